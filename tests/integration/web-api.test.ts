import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import type { Express } from "express";
import request from "supertest";
import { createLogger } from "@pagewise/logger";
import { closeDb, createDb, type Db, DocumentRepository } from "@pagewise/db";
import { PgDocumentProgress } from "@pagewise/db/progress";
import { connectRedis, DocumentQueue, QueueName, type RedisClient } from "@pagewise/queue";
import { createObjectStore, type ObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import type { WebDeps } from "@pagewise/web/deps";
import { readinessCheck } from "@pagewise/web/routes/health";
import type { StorageConfig } from "@pagewise/config";
import { startS3Server } from "../support/s3-server";
import { corpusFile, obliterate, randomPrefix, testDb, testRedis, testConnection } from "../support/services";

type Driver = "local" | "s3";

describe.each<Driver>(["local", "s3"])("web API with %s storage (real Postgres, Redis, storage)", (driver) => {
  const prefix = randomPrefix(`web-${driver}`);
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let inspect: Queue;
  let store: ObjectStore;
  let app: Express;
  let stopS3: (() => Promise<void>) | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-web-"));
  const created: string[] = [];

  let storage: StorageConfig = { driver: "local", directory: path.join(tmp, "data") };

  beforeAll(async () => {
    if (driver === "s3") {
      const s3 = await startS3Server();
      storage = s3.config;
      stopS3 = s3.stop;
    }
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    inspect = new Queue(QueueName.Documents, { connection: testConnection(), prefix });
    store = createObjectStore(storage);
    app = appWith({
      checkReady: async () => {
        await Promise.all([db.$queryRaw`SELECT 1`, redis.ping()]);
      },
    });
  });

  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: created } } });
    await queue.close();
    await inspect.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    await stopS3?.();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const upload = async (file: string, title?: string, headers: Record<string, string> = {}) => {
    const req = request(app).post("/api/documents").set(headers).attach("file", corpusFile(file));
    const res = await (title ? req.field("title", title) : req);
    if (res.body?.id) created.push(res.body.id as string);
    return res;
  };

  /** The app over the same services with some parts replaced (a database that is down, a failing probe). */
  const appWith = (parts: Partial<WebDeps>) =>
    createApp({
      documents: new DocumentRepository(db),
      queue,
      store,
      log: createLogger("web-test", "silent"),
      limits: { maxUploadBytes: 200_000 },
      checkReady: async () => undefined,
      ...parts,
    });

  const expectStatus = (res: request.Response, status: number) => {
    expect(res.status).toBe(status);
    return res;
  };

  it("accepts a PDF: stores it, writes the row, enqueues a job with the document id, answers 202 + Location", async () => {
    const res = expectStatus(await upload("text-1p-pdflatex.pdf", "Minimal"), 202);
    const id = res.body.id as string;
    expect(res.headers.location).toBe(`/api/documents/${id}`);
    expect(res.body).toMatchObject({ title: "Minimal", status: "queued", pagesDone: 0, pageCount: null, error: null, pages: [] });
    const stored = await store.head(`documents/${id}/source.pdf`);
    expect(stored?.size).toBe(fs.statSync(corpusFile("text-1p-pdflatex.pdf")).size);
    const bytes = fs.readFileSync(corpusFile("text-1p-pdflatex.pdf"));
    expect((await store.get(`documents/${id}/source.pdf`)).equals(bytes)).toBe(true);
    const row = await db.document.findUnique({ where: { id } });
    expect(row).toMatchObject({ sourceBytes: bytes.length, sourceSha256: createHash("sha256").update(bytes).digest("hex") });
    const job = await inspect.getJob(id);
    expect(job?.data).toEqual({ documentId: id });

    const status = await request(app).get(`/api/documents/${id}`).expect(200);
    expect(status.body).toMatchObject({ id, status: "queued", pages: [] });
  });

  it("names the document after the file when no title is given", async () => {
    const res = expectStatus(await upload("multicolumn-latex.pdf"), 202);
    expect(res.body.title).toBe("multicolumn-latex");
  });

  it.each([
    ["empty-0-bytes.pdf", 400, "empty_file"],
    ["not-pdf-html.pdf", 415, "not_pdf"],
    ["text-117p-geotopo.pdf", 413, "file_too_large"],
  ])("rejects %s at upload with %i %s, and stores nothing", async (file, status, code) => {
    const before = await inspect.count();
    const stored = await store.list("documents/");
    const res = expectStatus(await upload(file), status);
    expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(await inspect.count()).toBe(before);
    expect(await store.list("documents/")).toEqual(stored);
  });

  it("takes a JPEG named .pdf as an image (by its first bytes, not its name) and stores it as image/jpeg", async () => {
    const res = expectStatus(await upload("not-pdf-jpeg.pdf"), 202);
    expect(res.body.status).toBe("queued");
    const stored = await store.head(`documents/${res.body.id}/source.pdf`);
    expect(stored?.size).toBe(fs.statSync(corpusFile("not-pdf-jpeg.pdf")).size);
    if (store.driver === "s3") expect(stored?.contentType).toBe("image/jpeg");
  });

  it("asks for the file when none is sent", async () => {
    const res = await request(app).post("/api/documents").field("title", "x").expect(400);
    expect(res.body.error.code).toBe("missing_file");
  });

  it("answers 404 in JSON for unknown documents, pages and routes", async () => {
    expect((await request(app).get("/api/documents/00000000-0000-4000-8000-000000000000").expect(404)).body.error.code).toBe("not_found");
    expect((await request(app).get("/api/documents/nope").expect(404)).body.error.code).toBe("not_found");
    const { body } = expectStatus(await upload("text-1p-pdflatex.pdf"), 202);
    expect((await request(app).get(`/api/documents/${body.id}/pages/1`).expect(404)).body.error.code).toBe("not_found");
    expect((await request(app).get("/api/nothing-here").expect(404)).body.error.code).toBe("not_found");
  });

  it("lists documents newest first with a cursor", async () => {
    const a = (expectStatus(await upload("text-1p-pdflatex.pdf", "A"), 202)).body.id;
    const b = (expectStatus(await upload("text-1p-pdflatex.pdf", "B"), 202)).body.id;
    const first = await request(app).get("/api/documents?limit=1").expect(200);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const many = await request(app).get("/api/documents?limit=100").expect(200);
    const ids = many.body.items.map((d: { id: string }) => d.id);
    expect(ids.indexOf(b)).toBeLessThan(ids.indexOf(a));
    await request(app).get("/api/documents?limit=1000").expect(400);
    await request(app).get("/api/documents?cursor=garbage").expect(400);
  });

  it("answers the same document for the same Idempotency-Key and request, and enqueues once", async () => {
    const key = `key-${Date.now()}-${driver}`;
    const first = expectStatus(await upload("text-1p-pdflatex.pdf", "Once", { "Idempotency-Key": key }), 202);
    const again = expectStatus(await upload("text-1p-pdflatex.pdf", "Once", { "Idempotency-Key": key }), 202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.title).toBe("Once");
    expect(again.headers["idempotent-replayed"]).toBe("true");
    const concurrent = await Promise.all([1, 2, 3].map(() => upload("text-1p-pdflatex.pdf", undefined, { "Idempotency-Key": `${key}-c` })));
    expect(new Set(concurrent.map((r) => r.body.id)).size).toBe(1);
    expect(await db.document.count({ where: { idempotencyKey: { in: [key, `${key}-c`] } } })).toBe(2);
    const winner = concurrent[0]!.body.id as string;
    // The losers of the race removed the sources they had stored: every stored source belongs to an answered id.
    const sourceOwners = (await store.list("documents/")).filter((k) => k.endsWith("/source.pdf")).map((k) => k.split("/")[1]);
    expect(sourceOwners.filter((id) => !created.includes(id!))).toEqual([]);
    expect(await inspect.getJob(winner)).toBeDefined();
  });

  it("answers every write of the document and its pages at once, and 304 to the ETag of an unchanged one", async () => {
    const { body } = expectStatus(await upload("text-1p-pdflatex.pdf", "Versions"), 202);
    const id = body.id as string;
    const documents = new PgDocumentProgress(db.pool); // the worker's transitions
    const status = () => request(app).get(`/api/documents/${id}`).expect(200);
    const first = await status();

    const page = { number: 1, width: 100, height: 120, scale: 1, detectionCount: 3, imageKey: `documents/${id}/pages/1.png`, jsonKey: `documents/${id}/pages/1.json` };
    await documents.claim(id, "ppocr-det");
    await documents.setPageCount(id, 1);
    await documents.recordPage(id, page);
    const second = await status();
    expect(second.headers.etag).not.toBe(first.headers.etag);
    expect(second.body).toMatchObject({ status: "processing", pageCount: 1, pagesDone: 1, pages: [{ number: 1, detections: 3 }] });

    // The same page done again (a retry): pagesDone stays, the page's row changes, and so does the answer.
    await documents.recordPage(id, { ...page, detectionCount: 5 });
    expect((await status()).body).toMatchObject({ pagesDone: 1, pages: [{ number: 1, detections: 5 }] });
    await documents.markSucceeded(id);
    const done = await status();
    expect(done.body).toMatchObject({ status: "succeeded", pages: [{ detections: 5 }] });
    // Checked on the finished document: a queued one's answer also carries its queue position and estimates, which
    // other test files' documents in the same database move at any moment (as they should).
    await request(app).get(`/api/documents/${id}`).set("If-None-Match", done.headers.etag as string).expect(304);
  });

  it("removes the stored source when the row cannot be written (database unreachable), and answers 500 without detail", async () => {
    const unreachable = createDb("postgresql://postgres@127.0.0.1:1/pagewise_nowhere", 1);
    try {
      const broken = appWith({ documents: new DocumentRepository(unreachable) });
      const before = await store.list("documents/");
      const res = await request(broken).post("/api/documents").attach("file", corpusFile("text-1p-pdflatex.pdf")).expect(500);
      expect(res.body).toEqual({ error: { code: "internal", message: "Internal server error." } });
      expect(await store.list("documents/")).toEqual(before);
    } finally {
      await closeDb(unreachable).catch(() => undefined);
    }
  });

  it("answers 500 without detail when storage fails while the file streams to it (ours, not the client's mistake)", async () => {
    const blocker = path.join(tmp, "not-a-directory");
    fs.writeFileSync(blocker, "a file where the storage directory would be");
    const failing = createObjectStore(storage.driver === "s3" ? { ...storage, bucket: "no-such-bucket" } : { driver: "local", directory: path.join(blocker, "data") });
    const res = await request(appWith({ store: failing })).post("/api/documents").attach("file", corpusFile("text-1p-pdflatex.pdf")).expect(500);
    expect(res.body).toEqual({ error: { code: "internal", message: "Internal server error." } });
  });

  it("reports health and readiness", async () => {
    await request(app).get("/healthz").expect(200, { status: "ok" });
    await request(app).get("/readyz").expect(200, { status: "ready" });
  });

  it("says only which dependency is down when not ready: no host, port or driver message", async () => {
    const unreachable = createDb("postgresql://postgres@127.0.0.1:1/pagewise_nowhere", 1);
    try {
      const notReady = appWith({ checkReady: readinessCheck({ PostgreSQL: () => unreachable.$queryRaw`SELECT 1`, Redis: () => redis.ping() }) });
      const res = await request(notReady).get("/readyz").expect(503);
      expect(res.body).toEqual({ error: { code: "not_ready", message: "Not ready: PostgreSQL is not answering." } });
      const anyFailure = appWith({
        checkReady: async () => {
          throw new Error("connect ECONNREFUSED 10.1.2.3:5432");
        },
      });
      const unnamed = await request(anyFailure).get("/readyz").expect(503);
      expect(unnamed.body).toEqual({ error: { code: "not_ready", message: expect.any(String) } });
      expect(unnamed.text).not.toMatch(/ECONNREFUSED|10\.1\.2\.3|5432/);
    } finally {
      await closeDb(unreachable).catch(() => undefined);
    }
  });

  it("marks the row failed and answers 503 when the enqueue fails; nothing stays queued", async () => {
    const lost = await connectRedis("producer", testRedis());
    const brokenQueue = new DocumentQueue(lost, prefix);
    await brokenQueue.queue.waitUntilReady();
    lost.disconnect();
    const documents = new DocumentRepository(db);
    const broken = createApp({
      documents,
      queue: brokenQueue,
      store,
      log: createLogger("web-test", "silent"),
      limits: { maxUploadBytes: 200_000 },
      checkReady: async () => {
        await lost.ping();
      },
    });
    const res = await request(broken).post("/api/documents").attach("file", corpusFile("text-1p-pdflatex.pdf")).expect(503);
    // (the failed row is found below and removed with the others)
    expect(res.body.error.code).toBe("queue_unavailable");
    const recent = await db.document.findFirst({ orderBy: { createdAt: "desc" }, where: { errorCode: "enqueue_failed" } });
    expect(recent?.status).toBe("failed");
    created.push(recent!.id);
    expect(await db.document.count({ where: { id: recent!.id, status: "queued" } })).toBe(0);
    await request(broken).get("/readyz").expect(503);
    await brokenQueue.close().catch(() => undefined);
  });
});
