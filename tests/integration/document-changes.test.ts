import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Express } from "express";
import request from "supertest";
import { createLogger } from "@pagewise/logger";
import { closeDb, type Db, DocumentChangeListener, DocumentRepository } from "@pagewise/db";
import { closePool, createPool, PgDocumentProgress } from "@pagewise/db/progress";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import { corpusFile, databaseUrl, obliterate, randomPrefix, testDb, testRedis } from "../support/services";

/** Resolves with the next change the listener hears for `id`; rejects after `ms`. */
function nextChange(listener: DocumentChangeListener, id: string, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.off("change", onChange);
      reject(new Error(`no change notified for ${id} within ${ms} ms`));
    }, ms);
    const onChange = (changed: string) => {
      if (changed !== id) return;
      clearTimeout(timer);
      listener.off("change", onChange);
      resolve();
    };
    listener.on("change", onChange);
  });
}

describe("document change notifications (PostgreSQL LISTEN/NOTIFY) and the status answers that rely on them", () => {
  const prefix = randomPrefix("changes");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-changes-"));
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let listener: DocumentChangeListener;
  let app: Express;
  // The worker's writes come from another pool, as from another process.
  const workerPool = createPool(databaseUrl(), 2);
  const worker = new PgDocumentProgress(workerPool);
  const created: string[] = [];

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    listener = new DocumentChangeListener(databaseUrl(), { retryMs: 50 });
    await listener.start();
    app = createApp({
      documents: new DocumentRepository(db),
      documentChanges: listener,
      queue,
      store: createObjectStore({ driver: "local", directory: path.join(tmp, "data") }),
      log: createLogger("web-test", "silent"),
      limits: { maxUploadBytes: 200_000 },
      checkReady: async () => undefined,
    });
  });

  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: created } } });
    await listener.close();
    await closePool(workerPool);
    await queue.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const upload = async () => {
    const res = await request(app).post("/api/documents").attach("file", corpusFile("text-1p-pdflatex.pdf")).expect(202);
    created.push(res.body.id as string);
    return res.body.id as string;
  };
  const page = (id: string, detectionCount: number) => ({
    number: 1, width: 100, height: 120, scale: 1, detectionCount, imageKey: `documents/${id}/pages/1.png`, jsonKey: `documents/${id}/pages/1.json`,
  });

  it("is live once started, and hears every committed write to a document row, pages included", async () => {
    expect(listener.live).toBe(true);
    const id = await upload();
    const claimed = nextChange(listener, id);
    await worker.claim(id, "ppocr-det");
    await claimed;
    const pageDone = nextChange(listener, id);
    await worker.recordPage(id, page(id, 3));
    await pageDone;
    const again = nextChange(listener, id); // the same page again: pagesDone stays, the row is still written
    await worker.recordPage(id, page(id, 4));
    await again;
  });

  it("has emitted every change committed before caughtUp() once it resolves (notifications come in commit order)", async () => {
    const id = await upload();
    const heard: string[] = [];
    const unsubscribe = listener.subscribe(id.toUpperCase(), () => heard.push("change")); // ids are matched lower case
    await worker.claim(id, "ppocr-det");
    await worker.setPageCount(id, 2);
    await listener.caughtUp();
    unsubscribe();
    expect(heard).toEqual(["change", "change"]);
    expect(listener.watchedDocuments).toBe(0);
  });

  it("serves the new state of a document as soon as another process's write is notified", async () => {
    const id = await upload();
    const status = () => request(app).get(`/api/documents/${id}`).expect(200);
    expect((await status()).body).toMatchObject({ status: "queued", pages: [] });
    expect((await status()).body).toMatchObject({ status: "queued" }); // served as kept
    // One write at a time, each waited for by its notification (registered before the write: it may come at once).
    const write = async (action: () => Promise<unknown>) => {
      const heard = nextChange(listener, id);
      await action();
      await heard;
    };
    await write(() => worker.claim(id, "ppocr-det"));
    expect((await status()).body).toMatchObject({ status: "processing", pages: [] });
    await write(() => worker.recordPage(id, page(id, 7)));
    expect((await status()).body).toMatchObject({ status: "processing", pagesDone: 1, pages: [{ detections: 7 }] });
    await write(() => worker.recordPage(id, page(id, 8)));
    expect((await status()).body).toMatchObject({ pagesDone: 1, pages: [{ detections: 8 }] });
    await write(() => worker.markSucceeded(id));
    expect((await status()).body).toMatchObject({ status: "succeeded", pagesDone: 1, pages: [{ detections: 8 }] });
  });

  it("shows this process's own writes at once (cancel), before their notification", async () => {
    const id = await upload();
    await request(app).get(`/api/documents/${id}`).expect(200);
    await request(app).post(`/api/documents/${id}/cancel`).expect(200);
    expect((await request(app).get(`/api/documents/${id}`).expect(200)).body.status).toBe("cancelled");
  });

  it("answers from the row while the connection is lost, and listens again by itself", async () => {
    const id = await upload();
    await request(app).get(`/api/documents/${id}`).expect(200);
    const down = once(listener, "live");
    await workerPool.query("SELECT pg_terminate_backend($1)", [listener.backendPid]);
    expect(await down).toEqual([false]);
    // No notification can be heard now: the answer must come from a read of the row.
    await worker.claim(id, "ppocr-det");
    expect((await request(app).get(`/api/documents/${id}`).expect(200)).body.status).toBe("processing");
    if (!listener.live) await once(listener, "live");
    const heard = nextChange(listener, id);
    await worker.markFailed(id, "internal", "test");
    await heard;
    expect((await request(app).get(`/api/documents/${id}`).expect(200)).body.status).toBe("failed");
  });
});
