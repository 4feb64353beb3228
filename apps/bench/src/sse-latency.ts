import http from "node:http";
import { Client } from "pg";

/**
 * `--sse-latency`: how long a page's progress takes from its commit to an SSE client. One stream per document records
 * the wall-clock time (Date.now(), the clock PostgreSQL's now() reads on this machine) at which each `progress`
 * event arrives; the page's row says when its transaction began (`pages.created_at`, now() of the transaction
 * that inserted it, which is before its commit). The difference is an upper bound of commit → client (by the time
 * the statement itself took, under a millisecond), measured at the client, so it includes the web's notification,
 * its re-read of the row and the HTTP write.
 */
export class SseLatency {
  /** Arrival time (ms since the epoch) of each page's first progress event, per document. */
  private readonly arrivals = new Map<string, Map<number, number>>();
  private readonly requests: http.ClientRequest[] = [];

  watch(base: string, documentId: string): void {
    const pages = new Map<number, number>();
    this.arrivals.set(documentId, pages);
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

  /** Closes the streams and returns one latency (ms) per page that arrived. */
  async latencies(databaseUrl: string): Promise<number[]> {
    for (const req of this.requests) req.destroy();
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ document_id: string; number: number; committed_before: number }>(
        "SELECT document_id, number, extract(epoch FROM created_at) * 1000 AS committed_before FROM pages WHERE document_id = ANY($1::uuid[])",
        [[...this.arrivals.keys()]],
      );
      return rows.flatMap((row) => {
        const arrived = this.arrivals.get(row.document_id)?.get(row.number);
        return arrived === undefined ? [] : [arrived - Number(row.committed_before)];
      });
    } finally {
      await client.end();
    }
  }
}
