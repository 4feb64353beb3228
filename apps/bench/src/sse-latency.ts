import http from "node:http";
import { Client } from "pg";

/**
 * `--sse-latency`: how long a page's progress takes from its commit to an SSE client. One stream per document records
 * the wall-clock time (Date.now(), the clock PostgreSQL's now() reads on this machine) at which each `progress`
 * event arrives; the page's row says when its transaction began (`pages.created_at`, now() of the transaction
 * that inserted it, which is before its commit). The difference (`total`) is an upper bound of commit → client (by
 * the time the statement itself took), measured at the client, so it includes the web's notification, its re-read of
 * the row and the HTTP write. The bench also LISTENs itself: `web` is the part after the notification reached a
 * listener on this machine (the web's re-read and write, and the client), from the last notification of the
 * document before the event.
 */
export class SseLatency {
  /** Arrival time (ms since the epoch) of each page's first progress event, per document. */
  private readonly arrivals = new Map<string, Map<number, number>>();
  /** Arrival times of the document's change notifications at the bench's own LISTEN connection. */
  private readonly notified = new Map<string, number[]>();
  private readonly requests: http.ClientRequest[] = [];
  private listener: Client | undefined;

  constructor(private readonly databaseUrl: string) {}

  async start(): Promise<void> {
    this.listener = new Client({ connectionString: this.databaseUrl });
    await this.listener.connect();
    this.listener.on("notification", (message) => {
      const now = Date.now();
      const times = message.payload ? this.notified.get(message.payload) : undefined;
      times?.push(now);
    });
    await this.listener.query("LISTEN pagewise_documents");
  }

  watch(base: string, documentId: string): void {
    const pages = new Map<number, number>();
    this.arrivals.set(documentId, pages);
    this.notified.set(documentId, []);
    const req = http.get(`${base}/api/documents/${documentId}/events`, { headers: { Accept: "text/event-stream" } }, (res) => {
      res.setEncoding("utf8");
      let buffer = "";
      res.on("data", (chunk: string) => {
        const now = Date.now();
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.startsWith("event: progress\n")) continue;
          const data = JSON.parse(block.slice(block.indexOf("data: ") + 6)) as { page: number };
          if (data.page > 0 && !pages.has(data.page)) pages.set(data.page, now);
        }
      });
      res.on("error", () => undefined);
    });
    req.on("error", () => undefined);
    this.requests.push(req);
  }

  /** Closes the streams; per page that arrived, `total` (commit → client, upper bound) and `web` (notified → client), ms. */
  async latencies(): Promise<{ total: number[]; web: number[] }> {
    for (const req of this.requests) req.destroy();
    await this.listener?.end();
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ document_id: string; number: number; began: number }>(
        "SELECT document_id, number, extract(epoch FROM created_at) * 1000 AS began FROM pages WHERE document_id = ANY($1::uuid[])",
        [[...this.arrivals.keys()]],
      );
      const total: number[] = [];
      const web: number[] = [];
      for (const row of rows) {
        const arrived = this.arrivals.get(row.document_id)?.get(row.number);
        if (arrived === undefined) continue;
        total.push(arrived - Number(row.began));
        const before = (this.notified.get(row.document_id) ?? []).filter((t) => t <= arrived);
        if (before.length) web.push(arrived - Math.max(...before));
      }
      return { total, web };
    } finally {
      await client.end();
    }
  }
}
