import { randomUUID } from "node:crypto";
import { EventEmitter, once } from "node:events";
import type PgModule from "pg";
import { pgConnectionString, type PgTlsOptions } from "./connection";
import { pg } from "./pg";

/** The channel the documents table's trigger notifies on (migration 20261203000000_document_change_notify). */
export const DOCUMENT_CHANGES_CHANNEL = "pagewise_documents";

/**
 * What changed, as PostgreSQL says it: `change` (a document id) after every committed write to a document row, and
 * `live` (true/false) when the feed starts or stops hearing them. While it is not live, changes may be missed.
 */
export interface DocumentChangeFeed {
  readonly live: boolean;
  on(event: "change", listener: (documentId: string) => void): this;
  on(event: "live", listener: (live: boolean) => void): this;
  off(event: "change", listener: (documentId: string) => void): this;
  off(event: "live", listener: (live: boolean) => void): this;
}

export interface DocumentChangeListenerOptions {
  tls?: PgTlsOptions;
  /** Wait before reconnecting after the connection is lost, doubled up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  onError?: (error: Error) => void;
}

/**
 * LISTEN on a connection of its own (not from a pool: a pooled connection would carry the LISTEN to other users).
 * It is live once a notification it sent itself has come back. A lost connection is reported (`live` false) and
 * re-opened with a doubling back-off; `close()` ends it.
 */
export class DocumentChangeListener extends EventEmitter implements DocumentChangeFeed {
  private client: PgModule.Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private isLive = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly options: DocumentChangeListenerOptions = {},
  ) {
    super();
  }

  get live(): boolean {
    return this.isLive;
  }

  /** Connects and listens; resolves once live, or after the first failure (it keeps retrying in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({
      connectionString: pgConnectionString(this.databaseUrl, this.options.tls),
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    this.client = client;
    const probe = `probe:${randomUUID()}`;
    client.on("notification", (message) => {
      if (message.channel !== DOCUMENT_CHANGES_CHANNEL || !message.payload) return;
      if (message.payload.startsWith("probe:")) client.emit(message.payload === probe ? "probed" : "other-probe");
      else this.emit("change", message.payload);
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("the LISTEN connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${DOCUMENT_CHANGES_CHANNEL}`);
      // Live only once a notification of our own came back: through a transaction-pooling PgBouncer, for one, LISTEN
      // succeeds and nothing ever arrives.
      const probed = once(client, "probed", { signal: AbortSignal.timeout(5000) });
      await client.query("SELECT pg_notify($1, $2)", [DOCUMENT_CHANGES_CHANNEL, probe]);
      await probed;
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.closed || this.client !== client) return;
    this.failures = 0;
    this.setLive(true);
  }

  private lost(client: PgModule.Client, error: Error): void {
    if (this.client !== client) return; // an old connection's late event
    this.client = undefined;
    client.removeAllListeners("end");
    client.on("error", () => undefined);
    void client.end().catch(() => undefined);
    this.setLive(false);
    if (this.closed) return;
    this.options.onError?.(error);
    const base = this.options.retryMs ?? 500;
    const delay = Math.min(base * 2 ** this.failures, this.options.maxRetryMs ?? 30_000);
    this.failures += 1;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private setLive(live: boolean): void {
    if (this.isLive === live) return;
    this.isLive = live;
    this.emit("live", live);
  }

  /** The backend pid of the LISTEN connection (tests end it to see the feed recover). */
  get backendPid(): number | undefined {
    return (this.client as (PgModule.Client & { processID?: number }) | undefined)?.processID;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    this.setLive(false);
    if (client) {
      client.removeAllListeners("end");
      client.on("error", () => undefined);
      await client.end().catch(() => undefined);
    }
  }
}
