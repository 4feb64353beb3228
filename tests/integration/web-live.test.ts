import { once } from "node:events";
import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { createLogger } from "@pagewise/logger";
import { closeDb, type Db, DocumentChangeListener, DocumentRepository } from "@pagewise/db";
import { closePool, createPool, PgDocumentProgress } from "@pagewise/db/progress";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { documentSchema, progressEventSchema, statusEventSchema } from "@pagewise/web/api-schemas";
import { createApp } from "@pagewise/web/app";
import { OpenStreams } from "@pagewise/web/live/open-streams";
import { openSse, type SseSession } from "../support/sse";
import { waitFor } from "../support/waiters";
import { databaseUrl, obliterate, randomPrefix, testDb, testRedis } from "../support/services";

/**
 * SSE and long-poll against real Postgres: the "worker" is this test, writing the rows in SQL from a pool of its own,
 * as the worker process does. Nothing goes through Redis: the web follows PostgreSQL's change notifications alone,
 * and a timer while they are not heard.
 */
describe("live progress: SSE and long-poll follow the database's change feed", () => {
  const prefix = randomPrefix("live");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-live-"));
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let documents: DocumentRepository;
  const workerPool = createPool(databaseUrl(), 2);
  const worker = new PgDocumentProgress(workerPool);
  const servers: Server[] = [];
  const allStreams: OpenStreams[] = [];

  /** A web app on its own port, following `listener`; `pollMs` is its re-read while the listener is down. */
  async function startWeb(listener: DocumentChangeListener, pollMs: number) {
    const streams = new OpenStreams();
    allStreams.push(streams);
    const app = createApp({
      documents,
      documentChanges: listener,
      queue,
      store: createObjectStore({ driver: "local", directory: path.join(tmp, "data") }),
      log: createLogger("web-test", "silent"),
      limits: { maxUploadBytes: 1_000_000 },
      checkReady: async () => undefined,
      streams,
      live: { heartbeatMs: 200, pollMs },
    });
    const server = app.listen(0, "127.0.0.1");
    servers.push(server);
    await once(server, "listening");
    return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, streams };
  }

  beforeAll(async () => {
    db = testDb();
    documents = new DocumentRepository(db);
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
  });

  afterAll(async () => {
    for (const streams of allStreams) streams.endAll();
    await Promise.all(servers.map((server) => new Promise((r) => server.close(r))));
    await closePool(workerPool);
    await queue.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function newDocument() {
    const id = randomUUID();
    await documents.create({ id, title: "Live", filename: "live.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 10 });
    return id;
  }
  const page = (n: number, id: string) => ({ number: n, width: 10, height: 10, scale: 1, detectionCount: 0, imageKey: `documents/${id}/pages/${n}.png`, jsonKey: `documents/${id}/pages/${n}.json` });
  const isStatus = (status: string) => (e: { event: string; data: string }) => e.event === "status" && JSON.parse(e.data).status === status;
  const isPage = (n: number) => (e: { event: string; data: string }) => e.event === "progress" && JSON.parse(e.data).page === n;

  /** Runs a 3-page document as the worker would, waiting for the SSE event of each step before the next. */
  async function runDocument(id: string, sse: SseSession) {
    await worker.claim(id, "test-det");
    await worker.setPageCount(id, 3);
    // The page count's own event: a re-read that came late would see page 1 already and never send page 0.
    await sse.until(isPage(0), 5000);
    for (const n of [1, 2, 3]) {
      await worker.recordPage(id, page(n, id));
      await sse.until(isPage(n), 5000);
    }
    await worker.markSucceeded(id);
    return sse.until(isStatus("succeeded"), 5000);
  }

  function expectEveryPage(events: { event: string; data: string }[]) {
    const progress = events.filter((e) => e.event === "progress").map((e) => progressEventSchema.parse(JSON.parse(e.data)));
    expect(progress).toEqual([0, 1, 2, 3].map((page) => ({ page, of: 3 })));
    const statuses = events.filter((e) => e.event === "status").map((e) => statusEventSchema.parse(JSON.parse(e.data)).status);
    expect(statuses).toEqual(["queued", "processing", "succeeded"]);
  }

  describe("while the feed is live", () => {
    let listener: DocumentChangeListener;
    let base: string;
    let streams: OpenStreams;

    beforeAll(async () => {
      listener = new DocumentChangeListener(databaseUrl(), { retryMs: 50 });
      await listener.start();
      // The fallback timer must not be what delivers the changes below.
      ({ base, streams } = await startWeb(listener, 60_000));
    });
    afterAll(() => listener.close());

    it("sends the current state first, then every page and each status from the feed", async () => {
      expect(listener.live).toBe(true);
      const id = await newDocument();
      const sse = await openSse(`${base}/api/documents/${id}/events`);
      expect(sse.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      await sse.until((e) => e.event === "status", 5000);
      expect(sse.events[0]).toEqual({ event: "status", data: JSON.stringify({ status: "queued" }) });

      expectEveryPage(await runDocument(id, sse));
      await waitFor(() => /^: heartbeat$/m.test(sse.raw()), 5000);

      // Disconnecting unsubscribes and the stream is forgotten.
      expect(listener.watchedDocuments).toBeGreaterThan(0);
      sse.close();
      await waitFor(() => listener.watchedDocuments === 0 && streams.size === 0, 5000);
    });

    it("sends failures with their error", async () => {
      const id = await newDocument();
      await worker.markFailed(id, "pdf_corrupt", "The PDF is damaged.");
      const sse = await openSse(`${base}/api/documents/${id}/events`);
      const [first] = await sse.until((e) => e.event === "status", 5000);
      expect(JSON.parse(first!.data)).toEqual({ status: "failed", error: { code: "pdf_corrupt", message: "The PDF is damaged." } });
      sse.close();
    });

    it("sends a cancel made by this web process, which no worker announces", async () => {
      const id = await newDocument();
      const sse = await openSse(`${base}/api/documents/${id}/events`);
      await sse.until(isStatus("queued"), 5000);
      expect((await fetch(`${base}/api/documents/${id}/cancel`, { method: "POST" })).status).toBe(200);
      await sse.until(isStatus("cancelled"), 5000);
      sse.close();
    });

    it("answers 404 for unknown documents instead of a stream", async () => {
      const res = await fetch(`${base}/api/documents/${randomUUID()}/events`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
    });

    it("long-polls: ?wait answers at each page and at the end, and at the deadline when nothing changes", async () => {
      const id = await newDocument();
      await worker.claim(id, "test-det");
      await worker.setPageCount(id, 3);

      const started = Date.now();
      const unchanged = await fetch(`${base}/api/documents/${id}?wait=1`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(documentSchema.parse(await unchanged.json())).toMatchObject({ status: "processing", pagesDone: 0 });

      for (const n of [1, 2, 3]) {
        const pending = fetch(`${base}/api/documents/${id}?wait=30`).then((r) => r.json());
        // Let the long-poll subscribe before the change: the request is in once the server has a watcher for it.
        await waitFor(() => listener.isWatched(id), 5000);
        await worker.recordPage(id, page(n, id));
        expect(documentSchema.parse(await pending)).toMatchObject({ status: "processing", pagesDone: n });
      }
      const last = fetch(`${base}/api/documents/${id}?wait=30`).then((r) => r.json());
      await waitFor(() => listener.isWatched(id), 5000);
      await worker.markSucceeded(id);
      expect(documentSchema.parse(await last)).toMatchObject({ status: "succeeded", pagesDone: 3 });

      // `since` is the state the client has: a different one answers at once.
      const quick = Date.now();
      const res = await fetch(`${base}/api/documents/${id}?wait=30&since=queued:0`);
      expect(documentSchema.parse(await res.json()).pagesDone).toBe(3);
      expect(Date.now() - quick).toBeLessThan(5000);
    });

    it("rejects waits over 60 seconds and malformed since", async () => {
      const id = await newDocument();
      for (const q of ["wait=61", "wait=-1", "wait=abc", "wait=5&since=nope"]) {
        const res = await fetch(`${base}/api/documents/${id}?${q}`);
        expect({ q, status: res.status }).toEqual({ q, status: 400 });
      }
    });
  });

  describe("while the feed is down (the fallback)", () => {
    let listener: DocumentChangeListener;
    let base: string;

    beforeAll(async () => {
      // Reconnects only after a minute: once its connection is ended below, it stays down for the whole test.
      listener = new DocumentChangeListener(databaseUrl(), { retryMs: 60_000 });
      await listener.start();
      ({ base } = await startWeb(listener, 50));
      const down = once(listener, "live");
      await workerPool.query("SELECT pg_terminate_backend($1)", [listener.backendPid]);
      expect(await down).toEqual([false]);
    });
    afterAll(() => listener.close());

    it("SSE still gets every page and the final state, by re-reading the row", async () => {
      expect(listener.live).toBe(false);
      const id = await newDocument();
      const sse = await openSse(`${base}/api/documents/${id}/events`);
      await sse.until(isStatus("queued"), 5000);
      expectEveryPage(await runDocument(id, sse));
      sse.close();
    });

    it("long-polls still answer at each page and at the end", async () => {
      const id = await newDocument();
      await worker.claim(id, "test-det");
      await worker.setPageCount(id, 3);
      for (const n of [1, 2, 3]) {
        const pending = fetch(`${base}/api/documents/${id}?wait=30&since=processing:${n - 1}`).then((r) => r.json());
        await worker.recordPage(id, page(n, id));
        expect(documentSchema.parse(await pending)).toMatchObject({ pagesDone: n });
      }
      const last = fetch(`${base}/api/documents/${id}?wait=30&since=processing:3`).then((r) => r.json());
      await worker.markSucceeded(id);
      expect(documentSchema.parse(await last)).toMatchObject({ status: "succeeded", pagesDone: 3 });
    });
  });
});
