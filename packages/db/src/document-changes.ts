import { randomUUID } from "node:crypto";
import { EventEmitter, once } from "node:events";
import type PgModule from "pg";
import { pgConnectionString, type PgTlsOptions } from "./connection";
import { pg } from "./pg";

/** The channel the documents table's trigger notifies on (migration 20261203000000_document_change_notify). */
const DOCUMENT_CHANGES_CHANNEL = "pagewise_documents";

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

/**
 * The feed as the web uses it: the changes of one document (SSE streams and long-polls), and a barrier for the
 * process's own writes.
 */
export interface DocumentChangeSubscriptions extends DocumentChangeFeed {
  /**
   * Calls `listener` after every committed change of `documentId`, and once when the feed becomes live again (changes
   * may have been missed meanwhile); the returned function unsubscribes.
   */
  subscribe(documentId: string, listener: () => void): () => void;
  /**
   * Resolves once every change committed before the call has been emitted here (PostgreSQL delivers notifications
   * in commit order, so a probe sent now comes back after them). At once when not live.
   */
  caughtUp(): Promise<void>;
}

export interface DocumentChangeListenerOptions {
  tls?: PgTlsOptions;
  /** Wait before reconnecting after the connection is lost, doubled up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  onError?: (error: Error) => void;
}

/** How long a probe may take to come back before the connection is taken for lost. */
const PROBE_TIMEOUT_MS = 5000;

/**
 * LISTEN on a connection of its own (not from a pool: a pooled connection would carry the LISTEN to other users).
 * It is live once a notification it sent itself has come back. A lost connection is reported (`live` false) and
 * re-opened with a doubling back-off; `close()` ends it. The web's one change feed: its status answers, SSE streams
 * and long-polls all follow it (apps/web/src/live/).
 */
export class DocumentChangeListener extends EventEmitter implements DocumentChangeSubscriptions {
  private client: PgModule.Client | undefined;
  private closed = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private isLive = false;
  /** Probes sent and not yet back, by payload. */
  private readonly probes = new Map<string, () => void>();
  private readonly subscribers = new Map<string, Set<() => void>>();

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
    client.on("notification", (message) => {
      if (message.channel !== DOCUMENT_CHANGES_CHANNEL || !message.payload) return;
      if (message.payload.startsWith("probe:")) this.probes.get(message.payload)?.();
      else this.changed(message.payload);
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("the LISTEN connection ended")));
    try {
      await client.connect();
      await client.query(`LISTEN ${DOCUMENT_CHANGES_CHANNEL}`);
      // Live only once a notification of our own came back: through a transaction-pooling PgBouncer, for one, LISTEN
      // succeeds and nothing ever arrives.
      await this.probe(client);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.closed || this.client !== client) return;
    this.failures = 0;
    this.setLive(true);
  }

  /** Sends a notification of its own on `client` and resolves when it has come back; rejects after the timeout. */
  private async probe(client: PgModule.Client): Promise<void> {
    const payload = `probe:${randomUUID()}`;
    const back = new EventEmitter();
    this.probes.set(payload, () => back.emit("back"));
    try {
      const returned = once(back, "back", { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      await client.query("SELECT pg_notify($1, $2)", [DOCUMENT_CHANGES_CHANNEL, payload]);
      await returned;
    } finally {
      this.probes.delete(payload);
    }
  }

  async caughtUp(): Promise<void> {
    const client = this.client;
    if (!client || !this.isLive) return;
    try {
      await this.probe(client);
    } catch (error) {
      // Notifications no longer arrive: not live (every listener then re-reads) until a new connection's probe is back.
      this.lost(client, error as Error);
    }
  }

  subscribe(documentId: string, listener: () => void): () => void {
    const id = documentId.toLowerCase(); // as PostgreSQL writes the ids it notifies
    let set = this.subscribers.get(id);
    if (!set) this.subscribers.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.subscribers.get(id) === set) this.subscribers.delete(id);
    };
  }

  /** Documents with at least one subscriber (tests check that closed streams unsubscribe). */
  get watchedDocuments(): number {
    return this.subscribers.size;
  }

  /** Whether document `documentId` has a subscriber (tests wait for a long-poll to be in before changing the row). */
  isWatched(documentId: string): boolean {
    return this.subscribers.has(documentId.toLowerCase());
  }

  private changed(documentId: string): void {
    this.emit("change", documentId);
    for (const listener of this.subscribers.get(documentId) ?? []) listener();
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
    if (live) for (const listeners of [...this.subscribers.values()]) for (const listener of [...listeners]) listener();
  }

  /** The backend pid of the LISTEN connection (tests end it to see the feed recover). */
  get backendPid(): number | undefined {
    return (this.client as (PgModule.Client & { processID?: number }) | undefined)?.processID;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.subscribers.clear();
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
