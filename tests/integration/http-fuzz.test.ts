import { randomUUID } from "node:crypto";
import fs from "node:fs";
import type http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { closeDb, type Db, DocumentRepository, UploadRepository } from "@pagewise/db";
import { createLogger } from "@pagewise/logger";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore, type ObjectStore } from "@pagewise/storage";
import { apiErrors, type ApiErrorCode } from "@pagewise/web/api-errors";
import { errorSchema } from "@pagewise/web/api-schemas";
import { createApp } from "@pagewise/web/app";
import { operations, type Operation } from "@pagewise/web/openapi/document";
import { parametersOf } from "@pagewise/web/openapi/json-schema";
import { createHttpServer } from "@pagewise/web/server";
import { captureLog } from "../support/capture-log";
import { corpusFile, obliterate, randomPrefix, testDb, testRedis } from "../support/services";
import { filesBelow } from "../support/stored-files";

/** The documents repository, recording the ids of the rows this run creates (the test database is shared). */
class RecordingDocuments extends DocumentRepository {
  readonly created: string[] = [];
  override async create(input: Parameters<DocumentRepository["create"]>[0]) {
    const doc = await super.create(input);
    this.created.push(doc.id);
    return doc;
  }
}

/** Requests in the whole run: a few thousand, about 20 s on this machine's two cores. */
const RUNS = 2500;

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

/** What must never appear in an answer: a stack frame, a file path, SQL, a driver's words. */
const LEAKS = /\bat .+\(|\/work\/|\/home\/|node_modules|\.ts:\d|\.js:\d|\b(SELECT|INSERT|UPDATE|DELETE) |prisma|postgres|ECONN|Error:|22021|22P02|invocation/i;

/**
 * One request, byte for byte over a socket of its own (no client library refusing or rewriting what the fuzz
 * makes), read until the server closes it (`Connection: close`); a stream (SSE) is cut after its headers.
 */
function send(port: number, req: FuzzRequest): Promise<FuzzResponse> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const finish = () => {
      const raw = Buffer.concat(chunks);
      const split = raw.indexOf("\r\n\r\n");
      if (split < 0) return resolve({ status: 0, contentType: "", text: "" }); // closed before answering (a cut body)
      const head = raw.subarray(0, split).toString("latin1").split("\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? "")?.[1] ?? 0);
      const header = (name: string) => head.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? "";
      const length = Number(header("content-length") || NaN);
      const body = raw.subarray(split + 4);
      resolve({ status, contentType: header("content-type"), text: (Number.isNaN(length) ? body : body.subarray(0, length)).toString("utf8") });
    };
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (/content-type: text\/event-stream/i.test(Buffer.concat(chunks).toString("latin1"))) socket.destroy();
    });
    socket.on("close", finish);
    socket.on("error", (error: NodeJS.ErrnoException) => (error.code === "ECONNRESET" || error.code === "EPIPE" ? undefined : reject(error)));
    const headers = { Host: "127.0.0.1", Connection: "close", ...req.headers, ...(req.body ? { "Content-Length": String(req.body.length) } : {}) };
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    socket.write(Buffer.concat([Buffer.from(`${req.method} ${req.path} HTTP/1.1\r\n${lines.join("\r\n")}\r\n\r\n`, "latin1"), req.body ?? Buffer.alloc(0)]));
  });
}

// ---- generators ---------------------------------------------------------------------------------------------

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate). */
const pct = (text: string) => [...Buffer.from(text, "utf8")].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, "0")}`)).join("");

/** Text with the characters that break parsers: controls, NUL, quotes, percent signs, non-BMP, RTL marks. */
const nastyChar = fc.constantFrom("\u0000", "\u0001", "\t", "\n", "\r", "\u007f", "\u0085", "%", "%zz", "%00", "'", '"', "\\", "/", "..", "\u202e", "😀", "\ud800", "é", " ", "|", "+", "e", "x", "0");
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.array(fc.oneof(nastyChar, fc.string({ maxLength: 3 })), { maxLength: 12 }).map((parts) => parts.join("")),
  fc.integer({ min: 1, max: 20_000 }).map((n) => "t".repeat(n)),
);
const numberLike = fc.oneof(
  fc.integer().map(String),
  fc.constantFrom("0", "1", "2", "01", "0x1", "1e0", "1e3", "+1", "-1", " 1", "1.0", "1.5", "NaN", "Infinity", "2147483647", "2147483648", "99999999999999999999", "٣", "", "1,2"),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);
const pathSegment = (known: string[]) =>
  fc.oneof(
    fc.constantFrom(...known),
    fc.uuid().map((u) => u),
    fc.uuid().map((u) => u.toUpperCase()),
    numberLike,
    nastyString.map((s) => pct(s)),
    fc.constantFrom("%zz", "%", "%00", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%c0%af", "a%2Fb"),
  );
/** Header values Node's client can send: visible ASCII, space, tab and latin1's upper half. */
const headerValue = fc.oneof(
  fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\t\x20-\x7e]/g, "")),
  fc.constantFrom("", " ", "gzip", "deflate", "br", "identity", "foo", "gzip, gzip", "ÿé", "application/json", "multipart/form-data"),
  fc.integer({ min: 1, max: 12_000 }).map((n) => "k".repeat(n)),
);

function queryString(op: Operation): fc.Arbitrary<string> {
  const names = op.query ? parametersOf(op.query, "query").map((p) => p.name as string) : [];
  const pair = fc.tuple(
    fc.oneof(fc.constantFrom(...names, "x"), nastyString),
    fc.oneof(numberLike, nastyString, fc.constantFrom("true", "false", "json", "coco", "queued:0", "processing:x")),
    fc.boolean(),
  );
  // Values percent-encoded, or sent raw (only what an HTTP request line can carry): "%zz", "+1" and the like.
  const encode = ([k, v, raw]: [string, string, boolean]) => `${pct(k)}=${raw ? v.replace(/[^\x21-\x7e]/g, "") : pct(v)}`;
  return fc.array(pair, { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(encode).join("&")}` : ""));
}

const pdf = fs.readFileSync(corpusFile("text-1p-pdflatex.pdf"));

/** A multipart body, well formed or broken in the ways clients break them. */
const multipartBody = fc
  .record({
    boundary: fc.constantFrom("XyZ", "----b", "a".repeat(70)),
    declared: fc.constantFrom("same", "other", "none"),
    file: fc.oneof(
      fc.constant(pdf),
      fc.constant(Buffer.alloc(0)),
      fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
      fc.constant(Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(60_000, 0x20)])), // over the upload limit
      fc.constant(pdf.subarray(0, 100)),
    ),
    filename: fc.oneof(fc.constant("a.pdf"), nastyString, fc.constant("résumé.pdf")),
    filenameStar: fc.boolean(),
    fields: fc.array(fc.tuple(fc.constantFrom("title", "ocr", "file", "x", ""), fc.oneof(nastyString, fc.constantFrom("true", "false", "1"))), { maxLength: 4 }),
    withFile: fc.boolean(),
    twoFiles: fc.boolean(),
    hugePartHeader: fc.boolean(),
    close: fc.boolean(),
    cut: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
  })
  .map((m) => {
    const chunks: Buffer[] = [];
    const part = (headers: string[], body: Buffer | string) => {
      chunks.push(Buffer.from(`--${m.boundary}\r\n${headers.join("\r\n")}\r\n\r\n`), Buffer.isBuffer(body) ? body : Buffer.from(body), Buffer.from("\r\n"));
    };
    for (const [name, value] of m.fields) part([`Content-Disposition: form-data; name="${name}"`, ...(m.hugePartHeader ? [`X-Pad: ${"p".repeat(17_000)}`] : [])], value);
    const disposition = m.filenameStar
      ? `form-data; name="file"; filename*=UTF-8''${pct(m.filename)}`
      : `form-data; name="file"; filename="${m.filename.replace(/[\r\n"]/g, "")}"`;
    if (m.withFile) part([`Content-Disposition: ${disposition}`, "Content-Type: application/pdf"], m.file);
    if (m.twoFiles) part([`Content-Disposition: ${disposition}`], m.file);
    if (m.close) chunks.push(Buffer.from(`--${m.boundary}--\r\n`));
    let body = Buffer.concat(chunks);
    if (m.cut !== undefined) body = body.subarray(0, Math.max(0, body.length - m.cut));
    const type = m.declared === "none" ? "multipart/form-data" : `multipart/form-data; boundary=${m.declared === "same" ? m.boundary : "Other"}`;
    return { type, body };
  });

/** A well-formed upload of a real PDF, with fields that may or may not be valid: the way to rows and stored files. */
const validUpload = fc
  .record({ title: fc.option(nastyString, { nil: undefined }), ocr: fc.option(fc.constantFrom("true", "false", "maybe"), { nil: undefined }), filename: fc.oneof(fc.constant("paper.pdf"), nastyString) })
  .map(({ title, ocr, filename }) => {
    const boundary = "ValidBoundary";
    const parts: Buffer[] = [];
    const field = (name: string, value: string) => parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    if (title !== undefined) field("title", title);
    if (ocr !== undefined) field("ocr", ocr);
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8''${pct(filename)}\r\nContent-Type: application/pdf\r\n\r\n`), pdf, Buffer.from(`\r\n--${boundary}--\r\n`));
    return { headers: { "Content-Type": `multipart/form-data; boundary=${boundary}` } as Record<string, string>, body: Buffer.concat(parts) };
  });

const jsonBody = fc
  .record({
    value: fc.oneof(
      fc.jsonValue(),
      fc.record({ uploadId: fc.oneof(fc.uuid(), nastyString), title: fc.option(nastyString), ocr: fc.option(fc.oneof(fc.boolean(), nastyString)) }, { requiredKeys: [] }),
      fc.record({ filename: nastyString, contentType: fc.constantFrom("application/pdf", "text/html"), size: fc.oneof(fc.integer(), fc.double(), nastyString) }, { requiredKeys: [] }),
    ),
    raw: fc.option(fc.constantFrom("{", '{"a":', "[1,]", "\u0000", "null", '"x"', "x".repeat(20_000)), { nil: undefined }),
    type: fc.constantFrom("application/json", "application/json; charset=utf-8", "application/json; charset=latin1", "application/json; charset=ebcdic", "text/plain", "application/x-www-form-urlencoded"),
    encoding: fc.constantFrom(undefined, "gzip", "gzip-invalid", "deflate", "br", "foo"),
  })
  .map((j) => {
    let body: Buffer = Buffer.from(j.raw ?? JSON.stringify(j.value) ?? "null");
    const headers: Record<string, string> = { "Content-Type": j.type };
    if (j.encoding === "gzip") body = gzipSync(body);
    if (j.encoding) headers["Content-Encoding"] = j.encoding === "gzip-invalid" ? "gzip" : j.encoding;
    return { headers, body };
  });

function requestFor(op: Operation, known: { documentId: string; fileKey: string }): fc.Arbitrary<FuzzRequest> {
  const segments = op.path.split("/").filter(Boolean);
  const pathArb = fc
    .tuple(
      ...segments.map((segment) => {
        if (segment === "{id}") return pathSegment([known.documentId]);
        if (segment === "{n}") return pathSegment(["1"]);
        if (segment === "{key}") return fc.oneof(fc.constant(known.fileKey), pathSegment([`documents/${known.documentId}/source.pdf`, "documents/../x"]));
        return fc.constant(segment);
      }),
    )
    .map((parts) => `/${parts.join("/")}`);
  const headers = fc.dictionary(
    fc.constantFrom("Idempotency-Key", "Authorization", "X-Request-Id", "If-None-Match", "Accept", "Accept-Encoding", "Origin", "Sec-Fetch-Site", "Content-Encoding", "Range", "Last-Event-ID"),
    headerValue,
    { maxKeys: 3 },
  );
  const none = fc.constant({ headers: {} as Record<string, string>, body: undefined as Buffer | undefined });
  const body =
    op.method === "post"
      ? fc.oneof(multipartBody.map((m) => ({ headers: { "Content-Type": m.type } as Record<string, string>, body: m.body })), validUpload, jsonBody, none)
      : none;
  const method = fc.oneof({ weight: 9, arbitrary: fc.constant(op.method.toUpperCase()) }, { weight: 1, arbitrary: fc.constantFrom("OPTIONS", "PUT", "DELETE", "PATCH", "HEAD") });
  const someHeaders = fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: headers });
  return fc.tuple(method, pathArb, queryString(op), someHeaders, body).map(([m, p, q, h, b]) => {
    // A long-poll holds the answer for `wait` seconds: keep the fuzz quick (1 s at most).
    const query = q.replace(/(^|[?&])wait=([1-9][0-9]*)(?=&|$)/g, (_all, lead: string) => `${lead}wait=1`);
    return { method: m, path: p + query, headers: { ...h, ...b.headers }, body: b.body };
  });
}

// ---- the run ------------------------------------------------------------------------------------------------

/**
 * Issue 16 item 9: a bounded fuzz of the whole HTTP API, generated from the OpenAPI operations and the zod schemas
 * they publish, over real HTTP against real PostgreSQL, Redis and storage. No answer is a 5xx; every error is
 * `{ error: { code, message } }` with a code from the list and that code's status, and leaks nothing; afterwards
 * storage holds no object without its row and no row lacks its source.
 */
describe("HTTP API fuzz (real Postgres, Redis, local storage)", () => {
  const prefix = randomPrefix("fuzz");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-fuzz-"));
  const dataDir = path.join(tmp, "data");
  const logged = captureLog("error");
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let store: ObjectStore;
  let server: http.Server;
  let port: number;
  let known: { documentId: string; fileKey: string };
  let documents: RecordingDocuments;

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    store = createObjectStore({ driver: "local", directory: dataDir });
    documents = new RecordingDocuments(db);
    const app = createApp({
      documents,
      uploads: new UploadRepository(db),
      queue,
      store,
      log: logged.log,
      limits: { maxUploadBytes: 50_000 },
      checkReady: async () => undefined,
      live: { heartbeatMs: 60_000, pollMs: 60_000 },
    });
    server = createHttpServer(app, createLogger("fuzz", "silent"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    port = (server.address() as { port: number }).port;
    // One real document with a stored page, so that id-based routes reach rows and files too.
    const documentId = randomUUID();
    await store.put(`documents/${documentId}/source.pdf`, pdf, "application/pdf");
    await documents.create({ id: documentId, title: "Fuzz", filename: "f.pdf", sourceKey: `documents/${documentId}/source.pdf`, sourceBytes: pdf.length });
    known = { documentId, fileKey: `documents/${documentId}/source.pdf` };
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.document.deleteMany({ where: { id: { in: documents.created } } });
    await queue.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The document folders in this run's storage. */
  const fuzzIds = async () => [...new Set((await store.list("documents/")).map((key) => key.split("/")[1]!))];

  it(`answers ${RUNS} generated requests without a 5xx, each error in the API's shape, and leaves no orphan behind`, async () => {
    const seen = new Map<number, number>();
    const codes = new Set<string>();
    const arbitrary = fc.oneof(...operations.map((op) => requestFor(op, known)));
    await fc.assert(
      fc.asyncProperty(arbitrary, async (req) => {
        const res = await send(port, req);
        seen.set(res.status, (seen.get(res.status) ?? 0) + 1);
        const where = `${req.method} ${req.path.slice(0, 200)} -> ${res.status} ${res.text.slice(0, 300)}`;
        expect({ where, serverError: res.status >= 500 }).toEqual({ where, serverError: false });
        if (res.status >= 400 && req.method !== "HEAD") {
          expect({ where, json: res.contentType.startsWith("application/json") }).toEqual({ where, json: true });
          let body: unknown;
          try {
            body = JSON.parse(res.text);
          } catch {
            body = undefined;
          }
          const parsed = errorSchema.safeParse(body);
          expect({ where, shape: parsed.success }).toEqual({ where, shape: true });
          const { code, message } = parsed.data!.error;
          codes.add(code);
          expect({ where, status: apiErrors[code as ApiErrorCode].status }).toEqual({ where, status: res.status });
          expect({ where, leak: LEAKS.test(message) }).toEqual({ where, leak: false });
        }
        expect({ where, errorLogged: logged.lines() }).toEqual({ where, errorLogged: [] });
      }),
      { numRuns: RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), endOnFailure: true },
    );

    // The run reached far into the API: successes, client errors of many kinds (not one 4xx everywhere).
    expect([...seen.keys()].some((s) => s >= 200 && s < 300)).toBe(true);
    expect(codes.size).toBeGreaterThanOrEqual(12);

    // Nothing orphaned: every stored document folder has its row, every row this run created has its source,
    // and no temp file of an upload is left (every file on disk is a stored object).
    const ids = await fuzzIds();
    const rows = new Set((await db.document.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((r) => r.id));
    expect(ids.filter((id) => !rows.has(id))).toEqual([]);
    expect(documents.created.length).toBeGreaterThan(1);
    const missing: string[] = [];
    for (const row of await db.document.findMany({ where: { id: { in: documents.created } }, select: { id: true, sourceKey: true } })) {
      if (!(await store.head(row.sourceKey))) missing.push(row.id);
    }
    expect(missing).toEqual([]);
    expect(filesBelow(dataDir)).toEqual(await store.list("documents/"));
  }, 120_000);
});
