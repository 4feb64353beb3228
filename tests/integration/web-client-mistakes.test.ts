import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Express } from "express";
import request from "supertest";
import { closeDb, type Db, DocumentRepository } from "@pagewise/db";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore, type ObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import { captureLog } from "../support/capture-log";
import { listen, rawRequest } from "../support/raw-http";
import { corpusFile, obliterate, randomPrefix, testDb, testRedis } from "../support/services";
import { filesBelow } from "../support/stored-files";

const pdf = () => fs.readFileSync(corpusFile("text-1p-pdflatex.pdf"));
const uuid = "00000000-0000-4000-8000-000000000000";

/** A multipart body by hand, for what supertest's form builder will not send. */
function multipart(boundary: string, parts: Array<{ headers: string[]; body: Buffer | string }>, close = true): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n${part.headers.join("\r\n")}\r\n\r\n`));
    chunks.push(Buffer.isBuffer(part.body) ? part.body : Buffer.from(part.body));
    chunks.push(Buffer.from("\r\n"));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}
const filePart = (body: Buffer, disposition = 'form-data; name="file"; filename="a.pdf"') => ({
  headers: [`Content-Disposition: ${disposition}`, "Content-Type: application/pdf"],
  body,
});
const fieldPart = (name: string, value: string) => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: value });

/** Issue 16 items 2-6: each client mistake gets a 4xx with { error: { code, message } }, never a 500. */
describe("client mistakes get a 4xx, never a 500 (real Postgres, Redis, local storage)", () => {
  const prefix = randomPrefix("mistakes");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-mistakes-"));
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let store: ObjectStore;
  let app: Express;
  const logged = captureLog("error");
  const created = new Set<string>();

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    store = createObjectStore({ driver: "local", directory: path.join(tmp, "data") });
    app = createApp({
      documents: new DocumentRepository(db),
      queue,
      store,
      log: logged.log, // what the app logs at error level: a client's mistake must not be one
      limits: { maxUploadBytes: 1_000_000 },
      checkReady: async () => undefined,
    });
  });

  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: [...created] } } });
    await queue.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => logged.clear());
  afterEach(async () => {
    for (const id of (await store.list("documents/")).map((k) => k.split("/")[1]!)) created.add(id);
  });

  const expectError = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, body: res.body }).toEqual({ status, body: { error: { code, message: expect.any(String) } } });
    expect(logged.lines()).toEqual([]);
  };

  const storedSources = async () => (await store.list("documents/")).filter((k) => k.endsWith("/source.pdf"));

  it("a file key with bad percent-encoding is a 400", async () => {
    expectError(await request(app).get("/api/files/%zz"), 400, "bad_request");
  });

  it.each(["2147483648", "99999999999999999999", "0x1", "1e0", "+1", "0", "-1", "01", "1.0", " 1"])(
    "page number %j is no page (404), never a database error",
    async (n) => {
      expectError(await request(app).get(`/api/documents/${uuid}/pages/${encodeURIComponent(n)}`), 404, "not_found");
    },
  );

  it.each(["0x10", "1e1", "+5", "5.0", "", "05"])("limit=%j is a 400", async (limit) => {
    expectError(await request(app).get(`/api/documents?limit=${encodeURIComponent(limit)}`), 400, "bad_query");
  });

  it.each(["1e0", "0x1", "+1", "1.5"])("wait=%j is a 400", async (wait) => {
    expectError(await request(app).get(`/api/documents/${uuid}?wait=${encodeURIComponent(wait)}`), 400, "bad_query");
  });

  it.each([
    "+275760-09-13T00:00:00.000Z",
    "-271821-04-20T00:00:00.000Z",
    "+010000-01-01T00:00:00.000Z",
    "2020-01-01",
    "2020-01-01T00:00:00Z",
    "2020-02-30T00:00:00.000Z",
  ])("a cursor holding %j is a 400", async (iso) => {
    const cursor = Buffer.from(`${iso}|${uuid}`).toString("base64url");
    expectError(await request(app).get(`/api/documents?cursor=${cursor}`), 400, "bad_cursor");
  });

  it("a JSON body over 16 KB is a 413", async () => {
    const body = JSON.stringify({ uploadId: uuid, title: "x".repeat(20_000) });
    expectError(await request(app).post("/api/documents").set("Content-Type", "application/json").send(body), 413, "body_too_large");
    expectError(await request(app).post("/api/uploads").set("Content-Type", "application/json").send(body), 413, "body_too_large");
  });

  it("an unknown Content-Encoding is a 415, a body that is not what it says a 400", async () => {
    const json = JSON.stringify({ uploadId: uuid });
    expectError(
      await request(app).post("/api/documents").set("Content-Type", "application/json").set("Content-Encoding", "foo").send(json),
      415,
      "unsupported_encoding",
    );
    expectError(
      await request(app).post("/api/documents").set("Content-Type", "application/json").set("Content-Encoding", "gzip").send(json),
      400,
      "bad_encoding",
    );
    expectError(
      await request(app).post("/api/documents").set("Content-Type", "application/json; charset=ebcdic").send(json),
      415,
      "unsupported_encoding",
    );
    const server = await listen(app);
    try {
      const gzipped = await rawRequest(server.port, {
        method: "POST",
        path: "/api/documents",
        headers: { "Content-Type": "application/json", "Content-Encoding": "gzip" },
        body: gzipSync(Buffer.from(json)),
      });
      expect(gzipped.status).toBe(404); // decoded and read: the upload does not exist
    } finally {
      await server.close();
    }
  });

  it("a multipart body without its closing boundary is a 400, and leaves nothing behind", async () => {
    const before = await storedSources();
    const body = multipart("XyZ", [filePart(pdf())], false);
    const res = await request(app).post("/api/documents").set("Content-Type", "multipart/form-data; boundary=XyZ").send(body);
    expectError(res, 400, "bad_upload");
    expect(await storedSources()).toEqual(before);
    expect(filesBelow(path.join(tmp, "data"))).toEqual(await store.list("documents/"));
  });

  it("a multipart part header over 16 KB is a 400", async () => {
    const body = multipart("XyZ", [{ headers: ['Content-Disposition: form-data; name="title"', `X-Pad: ${"a".repeat(20_000)}`], body: "t" }, filePart(pdf())]);
    expectError(await request(app).post("/api/documents").set("Content-Type", "multipart/form-data; boundary=XyZ").send(body), 400, "bad_upload");
  });

  it("a multipart body with no boundary, duplicate files or duplicate fields is a 400", async () => {
    expectError(await request(app).post("/api/documents").set("Content-Type", "multipart/form-data").send("--x\r\n"), 400, "bad_upload");
    const two = multipart("XyZ", [filePart(pdf()), filePart(pdf())]);
    expectError(await request(app).post("/api/documents").set("Content-Type", "multipart/form-data; boundary=XyZ").send(two), 400, "bad_upload");
    const titles = multipart("XyZ", [fieldPart("title", "a"), fieldPart("title", "b"), filePart(pdf())]);
    expectError(await request(app).post("/api/documents").set("Content-Type", "multipart/form-data; boundary=XyZ").send(titles), 400, "bad_title");
  });

  it.each(["A\u0000B", "tab\there", "line\nbreak", "bell\u0007", "del\u007f", "c1\u0085"])(
    "a title with control characters (%j) is a 400 bad_title, and nothing is stored",
    async (title) => {
      const before = await storedSources();
      const res = await request(app).post("/api/documents").field("title", title).attach("file", corpusFile("text-1p-pdflatex.pdf"));
      expectError(res, 400, "bad_title");
      expect(await storedSources()).toEqual(before);
    },
  );

  it("a file name with a NUL (filename*=) is a 400 bad_filename, and nothing is stored", async () => {
    const before = await storedSources();
    const body = multipart("XyZ", [filePart(pdf(), "form-data; name=\"file\"; filename*=UTF-8''a%00b.pdf")]);
    const res = await request(app).post("/api/documents").set("Content-Type", "multipart/form-data; boundary=XyZ").send(body);
    expectError(res, 400, "bad_filename");
    expect(await storedSources()).toEqual(before);
  });

  it("a title taken from a 16,000-character file name is cut to the title limit", async () => {
    const name = `${"n".repeat(16_000)}.pdf`;
    const body = multipart("XyZ", [filePart(pdf(), `form-data; name="file"; filename="${name}"`)]);
    const res = await request(app).post("/api/documents").set("Content-Type", "multipart/form-data; boundary=XyZ").send(body);
    expect(res.status).toBe(202);
    expect(res.body.title).toBe("n".repeat(500));
    expect(res.body.filename.length).toBeLessThanOrEqual(500);
  });

  it("a UTF-8 file name, as browsers and curl send it, is read as UTF-8 (not latin1)", async () => {
    const body = multipart("XyZ", [filePart(pdf(), 'form-data; name="file"; filename="résumé 日本.pdf"')]);
    const res = await request(app).post("/api/documents").set("Content-Type", "multipart/form-data; boundary=XyZ").send(body);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ filename: "résumé 日本.pdf", title: "résumé 日本" });
  });

  it("an Idempotency-Key reused with another file or other fields is a 422; the same request replays", async () => {
    const key = `reuse-${prefix}`;
    const first = await request(app).post("/api/documents").set("Idempotency-Key", key).field("title", "One").attach("file", corpusFile("text-1p-pdflatex.pdf"));
    expect(first.status).toBe(202);
    const same = await request(app).post("/api/documents").set("Idempotency-Key", key).field("title", "One").attach("file", corpusFile("text-1p-pdflatex.pdf"));
    expect(same.status).toBe(202);
    expect(same.body.id).toBe(first.body.id);
    expect(same.headers["idempotent-replayed"]).toBe("true");
    const otherFile = await request(app).post("/api/documents").set("Idempotency-Key", key).field("title", "One").attach("file", corpusFile("multicolumn-latex.pdf"));
    expectError(otherFile, 422, "idempotency_key_reused");
    const otherTitle = await request(app).post("/api/documents").set("Idempotency-Key", key).field("title", "Two").attach("file", corpusFile("text-1p-pdflatex.pdf"));
    expectError(otherTitle, 422, "idempotency_key_reused");
    const otherOcr = await request(app).post("/api/documents").set("Idempotency-Key", key).field("title", "One").field("ocr", "true").attach("file", corpusFile("text-1p-pdflatex.pdf"));
    expectError(otherOcr, 422, "idempotency_key_reused");
    const json = await request(app).post("/api/documents").set("Idempotency-Key", key).send({ uploadId: uuid });
    expectError(json, 422, "idempotency_key_reused");
  });
});
