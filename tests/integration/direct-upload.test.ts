import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import type { Express } from "express";
import request from "supertest";
import { createLogger } from "@pagewise/logger";
import { closeDb, type Db, DocumentRepository, UploadRepository } from "@pagewise/db";
import { connectRedis, DocumentQueue, QueueName, type RedisClient } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import { startS3Server, type TestS3Server } from "../support/s3-server";
import { corpusFile, obliterate, randomPrefix, testDb, testRedis, testConnection } from "../support/services";

/** The direct-to-S3 flow against a real S3 server: announce, PUT to the presigned URL, create the document. */
describe("direct-to-S3 uploads (real Postgres, Redis, S3 server)", () => {
  const prefix = randomPrefix("direct");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-direct-"));
  let s3: TestS3Server;
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let inspect: Queue;
  let app: Express;
  const created: string[] = [];

  const policy = { retentionHours: 24, webhooksEnabled: true, allowPrivateWebhooks: false };
  const appWith = (storage: "s3" | "local", maxUploadBytes = 1_000_000) =>
    createApp({
      documents: new DocumentRepository(db),
      uploads: new UploadRepository(db),
      directUpload: storage === "s3",
      queue,
      store: createObjectStore(storage === "s3" ? s3.config : { driver: "local", directory: path.join(tmp, "data") }),
      log: createLogger("direct-test", "silent"),
      limits: { maxUploadBytes },
      uploadPolicy: policy,
      checkReady: async () => undefined,
    });

  beforeAll(async () => {
    s3 = await startS3Server();
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    inspect = new Queue(QueueName.Documents, { connection: testConnection(), prefix });
    app = appWith("s3");
  });
  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: created } } });
    await queue.close();
    await inspect.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    await s3.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function announce(bytes: Buffer, filename = "paper.pdf") {
    const res = await request(app).post("/api/uploads").send({ filename, contentType: "application/pdf", size: bytes.length });
    expect(res.status).toBe(201);
    return res.body as { uploadId: string; url: string; method: string; headers: Record<string, string> };
  }
  const put = (url: string, bytes: Buffer) =>
    fetch(url, { method: "PUT", body: new Uint8Array(bytes), headers: { "Content-Type": "application/pdf", "Content-Length": String(bytes.length) } });
  const createFrom = async (uploadId: string, title?: string) => {
    const res = await request(app).post("/api/documents").send({ uploadId, title });
    if (res.body?.id) created.push(res.body.id as string);
    return res;
  };

  it("announce → PUT to the presigned URL → create: the document is queued from the object in the bucket", async () => {
    const pdf = fs.readFileSync(corpusFile("multicolumn-latex.pdf"));
    const upload = await announce(pdf, "multicolumn-latex.pdf");
    expect(upload).toMatchObject({ method: "PUT", headers: { "Content-Type": "application/pdf" } });
    expect((await put(upload.url, pdf)).status).toBe(200);

    const res = await createFrom(upload.uploadId, "Two columns");
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ title: "Two columns", filename: "multicolumn-latex.pdf", status: "queued" });
    expect(res.headers.location).toBe(`/api/documents/${res.body.id}`);
    expect((await inspect.getJob(res.body.id))?.data).toEqual({ documentId: res.body.id });
    const row = await db.document.findUnique({ where: { id: res.body.id } });
    expect(row).toMatchObject({ sourceKey: `uploads/${upload.uploadId}/source.pdf`, sourceBytes: pdf.length });

    // The same upload twice answers the same document and enqueues once.
    const again = await createFrom(upload.uploadId);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(res.body.id);
    expect(again.headers["idempotent-replayed"]).toBe("true");
  });

  it("takes callbackUrl, webhookPages and expiresInHours as JSON fields, checked as in a multipart upload, and deletes the upload's object with the document", async () => {
    const pdf = fs.readFileSync(corpusFile("multicolumn-latex.pdf"));
    const upload = await announce(pdf);
    expect((await put(upload.url, pdf)).status).toBe(200);
    const send = (fields: Record<string, unknown>) => request(app).post("/api/documents").send({ uploadId: upload.uploadId, ...fields });
    expect((await send({ callbackUrl: "http://127.0.0.1:9/hook" })).body.error.code).toBe("callback_url_refused");
    expect((await send({ callbackUrl: "https://hooks.example.com/x", webhookPages: "yes" })).body.error.code).toBe("bad_webhook_pages");
    expect((await send({ expiresInHours: 25 })).body.error.code).toBe("bad_expires_in");
    const res = await send({ callbackUrl: "http://93.184.215.14/hook", webhookPages: true, expiresInHours: 1 });
    expect(res.status).toBe(202);
    created.push(res.body.id as string);
    expect(Date.parse(res.body.expiresAt as string) - Date.now()).toBeGreaterThan(3500_000);
    expect(res.body.webhook).toEqual({ state: null, attempts: 0, lastStatus: null, lastAttemptAt: null });
    expect(await db.document.findUnique({ where: { id: res.body.id } })).toMatchObject({ callbackUrl: "http://93.184.215.14/hook", webhookPages: true });

    expect((await request(app).delete(`/api/documents/${res.body.id}`)).status).toBe(204);
    expect((await request(app).get(`/api/documents/${res.body.id}`)).status).toBe(404);
    expect(await s3.listKeys(`uploads/${upload.uploadId}/`)).toEqual([]);
    expect(await db.upload.findUnique({ where: { id: upload.uploadId } })).toBeNull();
  });

  it("checks size and magic bytes in the bucket before anything is queued", async () => {
    const html = Buffer.from("<!doctype html><html><body>not a pdf</body></html>");
    const upload = await announce(html, "page.pdf");
    expect((await put(upload.url, html)).status).toBe(200);
    const before = await inspect.count();
    const res = await createFrom(upload.uploadId);
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe("not_pdf");
    expect(await inspect.count()).toBe(before);
  });

  it("answers 409 before the PUT, 404 for unknown uploads, 413 and 400 for bad announcements", async () => {
    const pdf = fs.readFileSync(corpusFile("text-1p-pdflatex.pdf"));
    const upload = await announce(pdf);
    expect((await createFrom(upload.uploadId)).body.error.code).toBe("upload_incomplete");
    expect((await createFrom("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    const big = await request(app).post("/api/uploads").send({ filename: "x.pdf", contentType: "application/pdf", size: 2_000_000 });
    expect(big.status).toBe(413);
    const wrongType = await request(app).post("/api/uploads").send({ filename: "x.gif", contentType: "image/gif", size: 10 });
    expect(wrongType.body.error.code).toBe("bad_upload_request");
  });

  it("is unavailable with local storage (409) and the page is told to use multipart", async () => {
    const local = appWith("local");
    const res = await request(local).post("/api/uploads").send({ filename: "x.pdf", contentType: "application/pdf", size: 10 });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe("direct_upload_unavailable");
    expect((await request(local).get("/api/config")).body.directUpload).toBe(false);
    expect((await request(app).get("/api/config")).body.directUpload).toBe(true);
  });
});
