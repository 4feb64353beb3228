import fs from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { createLogger } from "@pagewise/logger";
import { closeDb, type Db, DocumentRepository } from "@pagewise/db";
import { connectRedis, DocumentQueue, QueueName, bullConnection } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { documentSchema, progressEventSchema, statusEventSchema } from "@pagewise/web/api-schemas";
import { createApp } from "@pagewise/web/app";
import { QueueEventsSignals } from "@pagewise/web/live/document-signals";
import { OpenStreams } from "@pagewise/web/live/open-streams";
import { openSse } from "../support/sse";
import { obliterate, randomPrefix, redisUrl, testDb } from "../support/services";

/**
 * SSE and long-poll against real Redis (BullMQ events from another connection, as a worker would send them)
 * and real Postgres (the row the answers confirm). The "worker" here is this test: it moves the row and the job.
 */
describe("live progress: SSE and long-poll (real Redis, Postgres)", () => {
  const prefix = randomPrefix("live");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-live-"));
  let db: Db;
  let redis: Redis;
  let queue: DocumentQueue;
  let producer: Queue;
  let signals: QueueEventsSignals;
  let documents: DocumentRepository;
  let streams: OpenStreams;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    db = testDb();
    documents = new DocumentRepository(db);
    redis = await connectRedis("producer", redisUrl());
    queue = new DocumentQueue(redis, prefix);
    producer = new Queue(QueueName.Documents, { connection: bullConnection("worker", redisUrl()), prefix });
    signals = await QueueEventsSignals.open(redisUrl(), prefix);
    streams = new OpenStreams();
    const app = createApp({
      documents,
      queue,
      store: createObjectStore({ driver: "local", directory: path.join(tmp, "data") }),
      log: createLogger("web-test", "silent"),
      uploadDir: tmp,
      limits: { maxUploadBytes: 1_000_000 },
      checkReady: async () => undefined,
      signals,
      streams,
      live: { heartbeatMs: 200, pollMs: 60_000 }, // the poll timer must not be what delivers the changes below
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    streams.endAll();
    await new Promise((r) => server.close(r));
    await signals.close();
    await producer.close();
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

  it("sends the current state first, then progress and status from BullMQ events, confirmed against Postgres", async () => {
    const id = await newDocument();
    const sse = await openSse(`${base}/api/documents/${id}/events`);
    expect(sse.response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await sse.until((e) => e.event === "status", 5000);
    expect(sse.events[0]).toEqual({ event: "status", data: JSON.stringify({ status: "queued" }) });

    // The "worker": claim, set the page count, finish pages with progress events, succeed.
    const job = await producer.add("process-document", { documentId: id }, { jobId: id });
    await documents.claim(id, "test-det");
    await documents.setPageCount(id, 2);
    await job.updateProgress({ page: 0, of: 2 }); // wakes the stream: it re-reads the row (processing)
    await sse.until((e) => e.event === "status" && JSON.parse(e.data).status === "processing", 5000);
    for (const n of [1, 2]) {
      await documents.recordPage(id, page(n, id));
      await job.updateProgress({ page: n, of: 2 });
      await sse.until((e) => e.event === "progress" && JSON.parse(e.data).page === n, 5000);
    }
    await documents.markSucceeded(id);
    // A worker's job would now complete (a `completed` event); without a worker holding the lock, one more job
    // event through the same Redis stream wakes the SSE route, which re-reads the row and sends the new status.
    await job.updateProgress({ page: 2, of: 2 });
    const events = await sse.until((e) => e.event === "status" && JSON.parse(e.data).status === "succeeded", 5000);

    const progress = events.filter((e) => e.event === "progress").map((e) => progressEventSchema.parse(JSON.parse(e.data)));
    expect(progress.map((p) => p.page)).toEqual([...progress.map((p) => p.page)].sort((a, b) => a - b)); // never backwards
    expect(progress.at(-1)).toEqual({ page: 2, of: 2 });
    const statuses = events.filter((e) => e.event === "status").map((e) => statusEventSchema.parse(JSON.parse(e.data)).status);
    expect(statuses).toEqual(["queued", "processing", "succeeded"]);
    await waitFor(() => /^: heartbeat$/m.test(sse.raw()), 5000);

    // Disconnecting unsubscribes and the stream is forgotten.
    expect(signals.watchedDocuments).toBeGreaterThan(0);
    sse.close();
    await waitFor(() => signals.watchedDocuments === 0 && streams.size === 0, 5000);
  });

  it("sends failures with their error", async () => {
    const id = await newDocument();
    await documents.markFailed(id, "pdf_corrupt", "The PDF is damaged.");
    const sse = await openSse(`${base}/api/documents/${id}/events`);
    const [first] = await sse.until((e) => e.event === "status", 5000);
    expect(JSON.parse(first!.data)).toEqual({ status: "failed", error: { code: "pdf_corrupt", message: "The PDF is damaged." } });
    sse.close();
  });

  it("answers 404 for unknown documents instead of a stream", async () => {
    const res = await fetch(`${base}/api/documents/${randomUUID()}/events`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found" } });
  });

  it("long-polls: ?wait answers when pagesDone changes, and at the deadline when nothing does", async () => {
    const id = await newDocument();
    const job = await producer.add("process-document", { documentId: id }, { jobId: id });
    await documents.claim(id, "test-det");
    await documents.setPageCount(id, 3);

    const started = Date.now();
    const unchanged = await fetch(`${base}/api/documents/${id}?wait=1`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(documentSchema.parse(await unchanged.json())).toMatchObject({ status: "processing", pagesDone: 0 });

    const pending = fetch(`${base}/api/documents/${id}?wait=30`).then((r) => r.json());
    // Let the long-poll subscribe before the change: the request is in once the server has a watcher for it.
    await waitFor(() => signals.watchedDocuments > 0, 5000);
    await documents.recordPage(id, page(1, id));
    await job.updateProgress({ page: 1, of: 3 });
    const changed = documentSchema.parse(await pending);
    expect(changed.pagesDone).toBe(1);

    // `since` is the state the client has: a different one answers at once.
    const quick = Date.now();
    const res = await fetch(`${base}/api/documents/${id}?wait=30&since=queued:0`);
    expect(documentSchema.parse(await res.json()).pagesDone).toBe(1);
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

/** Re-checks a condition on each turn of the event loop until it holds or the deadline passes (no fixed sleeps). */
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setImmediate(r));
  }
}
