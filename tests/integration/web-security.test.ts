import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { Express } from "express";
import request from "supertest";
import { createLogger } from "@pagewise/logger";
import { closeDb, type Db, DocumentRepository } from "@pagewise/db";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore, type ObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import type { WebDeps } from "@pagewise/web/deps";
import { createHttpServer, SERVER_TIMEOUTS } from "@pagewise/web/server";
import { startS3Server, type TestS3Server } from "../support/s3-server";
import { corpusFile, obliterate, randomPrefix, testDb, testRedis } from "../support/services";

/** Issue 16 item 8: headers, cross-site requests, OPTIONS, symlinks in DATA_DIR and slow clients. */
describe("web security defaults (real Postgres, Redis, storage)", () => {
  const prefix = randomPrefix("security");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-security-"));
  const dataDir = path.join(tmp, "data");
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let store: ObjectStore;
  let base: WebDeps;

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    store = createObjectStore({ driver: "local", directory: dataDir });
    base = {
      documents: new DocumentRepository(db),
      queue,
      store,
      log: createLogger("web-test", "silent"),
      limits: { maxUploadBytes: 1_000_000 },
      checkReady: async () => undefined,
    };
  });

  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const app = (security?: WebDeps["security"], extra: Partial<WebDeps> = {}): Express => createApp({ ...base, security, ...extra });
  const storedSources = async () => (await store.list("documents/")).length;

  describe("headers", () => {
    it("the page and the API carry a CSP the page satisfies, nosniff, no framing and no referrer", async () => {
      for (const url of ["/", "/api/documents", "/api/nothing"]) {
        const res = await request(app()).get(url);
        const csp = res.headers["content-security-policy"] as string;
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self';");
        expect(csp).toContain("style-src 'self';");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("object-src 'none'");
        expect(csp).not.toContain("unsafe");
        expect(res.headers["x-content-type-options"]).toBe("nosniff");
        expect(res.headers["x-frame-options"]).toBe("DENY");
        expect(res.headers["referrer-policy"]).toBe("no-referrer");
        expect(res.headers["cross-origin-resource-policy"]).toBe("same-origin");
      }
    });

    it("the built page has no inline script or style for the CSP to refuse", async () => {
      const index = path.resolve(__dirname, "../../apps/ui/dist/index.html");
      if (!fs.existsSync(index)) return; // built by `npm run build`, which `npm test` runs first
      const html = fs.readFileSync(index, "utf8");
      const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!);
      expect(scripts.length).toBeGreaterThan(0);
      for (const attrs of scripts) expect(attrs).toMatch(/\bsrc="\/assets\//);
      expect(html).not.toMatch(/\sstyle=|<style\b|\son[a-z]+=/i);
    });

    it("with S3 storage, the page may load results from (and PUT uploads to) the bucket's origin only", async () => {
      let s3: TestS3Server | undefined;
      try {
        s3 = await startS3Server();
        const res = await request(app(undefined, { store: createObjectStore(s3.config) })).get("/api/documents");
        const csp = res.headers["content-security-policy"] as string;
        expect(csp).toContain(`img-src 'self' data: blob: ${s3.endpoint}`);
        expect(csp).toContain(`connect-src 'self' ${s3.endpoint}`);
      } finally {
        await s3?.stop();
      }
    });

    it("the queue dashboard gets a policy of its own (bull-board styles inline), behind its basic auth", async () => {
      const admin = app({ admin: { user: "ops", password: "pw" } });
      const res = await request(admin).get("/admin/queues").auth("ops", "pw").expect(200);
      expect(res.headers["content-security-policy"]).toContain("style-src 'self' 'unsafe-inline'");
      expect(res.headers["content-security-policy"]).toContain("script-src 'self';");
    });
  });

  describe("cross-site requests", () => {
    it("refuses a cross-site POST (a form on another site), before anything is stored", async () => {
      const before = await storedSources();
      const res = await request(app())
        .post("/api/documents")
        .set("Sec-Fetch-Site", "cross-site")
        .set("Origin", "https://evil.example")
        .attach("file", corpusFile("text-1p-pdflatex.pdf"))
        .expect(403);
      expect(res.body.error.code).toBe("cross_site_request");
      // An older browser without Sec-Fetch-Site: the foreign Origin decides.
      await request(app()).post("/api/documents/00000000-0000-4000-8000-000000000000/cancel").set("Origin", "https://evil.example").expect(403);
      await request(app()).post("/api/documents").set("Sec-Fetch-Site", "same-site").send({ uploadId: "x" }).expect(403);
      expect(await storedSources()).toBe(before);
    });

    it("lets same-origin pages, CORS_ORIGINS and non-browser clients through", async () => {
      const missing = (res: request.Response) => expect(res.body.error.code).toBe("missing_file");
      missing(await request(app()).post("/api/documents").set("Sec-Fetch-Site", "same-origin").set("Origin", "http://x").expect(400));
      missing(await request(app()).post("/api/documents").set("Host", "pagewise.example:3000").set("Origin", "http://pagewise.example:3000").expect(400));
      missing(await request(app()).post("/api/documents").expect(400)); // curl, an SDK: no Origin, no Sec-Fetch-Site
      const allowed = app({ corsOrigins: ["https://app.example"] });
      missing(await request(allowed).post("/api/documents").set("Sec-Fetch-Site", "cross-site").set("Origin", "https://app.example").expect(400));
      await request(allowed).post("/api/documents").set("Sec-Fetch-Site", "cross-site").set("Origin", "https://evil.example").expect(403);
      await request(app({ corsOrigins: ["*"] })).post("/api/documents").set("Sec-Fetch-Site", "cross-site").set("Origin", "https://any.example").expect(400);
      await request(app()).get("/api/documents").set("Sec-Fetch-Site", "cross-site").expect(200); // reads are not refused
    });

    it("refuses cross-site writes to the queue dashboard, whose basic auth the browser sends by itself", async () => {
      const admin = app({ admin: { user: "ops", password: "pw" }, corsOrigins: ["*"] });
      const res = await request(admin).put("/admin/queues/api/queues/documents/pause").auth("ops", "pw").set("Sec-Fetch-Site", "cross-site").expect(403);
      expect(res.body.error.code).toBe("cross_site_request");
    });
  });

  describe("OPTIONS", () => {
    it("is answered only as a CORS preflight from an allowed origin; otherwise 401 with an API key, 404 without", async () => {
      for (const url of ["/api/documents", "/api/documents/00000000-0000-4000-8000-000000000000", "/metrics", "/api/config"]) {
        const open = await request(app()).options(url).expect(404);
        expect(open.body.error.code).toBe("not_found");
        expect(open.headers.allow).toBeUndefined();
        await request(app({ apiKey: "k" })).options(url).expect(401);
        await request(app({ apiKey: "k" })).options(url).set("Authorization", "Bearer k").expect(404);
      }
      const cors = app({ corsOrigins: ["https://app.example"], apiKey: "k" });
      const preflight = (origin: string) =>
        request(cors).options("/api/documents").set("Origin", origin).set("Access-Control-Request-Method", "POST");
      const ok = await preflight("https://app.example").expect(204);
      expect(ok.headers["access-control-allow-origin"]).toBe("https://app.example");
      await preflight("https://evil.example").expect(401);
      await request(cors).options("/api/documents").set("Origin", "https://app.example").expect(401); // not a preflight
    });
  });

  describe("/api/files and symlinks in DATA_DIR", () => {
    const id = "11111111-1111-4111-8111-111111111111";
    const other = "22222222-2222-4222-8222-222222222222";
    const outside = path.join(tmp, "outside");

    beforeAll(async () => {
      fs.mkdirSync(outside, { recursive: true });
      fs.writeFileSync(path.join(outside, "secret.json"), '{"secret":true}');
      await store.put(`documents/${id}/pages/1.json`, Buffer.from('{"page":1}'), "application/json");
      await store.put(`documents/${other}/pages/1.json`, Buffer.from('{"other":true}'), "application/json");
      const pages = path.join(dataDir, "documents", id, "pages");
      fs.symlinkSync(path.join(outside, "secret.json"), path.join(pages, "2.json")); // a file link out of DATA_DIR
      fs.symlinkSync(path.join(dataDir, "documents", other, "pages", "1.json"), path.join(pages, "3.json")); // into another document
      fs.symlinkSync(outside, path.join(dataDir, "documents", id, "linked")); // a directory link
      fs.symlinkSync(path.join(pages, "1.json"), path.join(pages, "4.json")); // inside its own folder: fine
    });

    it("serves a document's own files, and no file whose real path leaves the document's folder", async () => {
      const files = app();
      expect((await request(files).get(`/api/files/documents/${id}/pages/1.json`).expect(200)).text).toBe('{"page":1}');
      expect((await request(files).get(`/api/files/documents/${id}/pages/4.json`).expect(200)).text).toBe('{"page":1}');
      for (const key of [`documents/${id}/pages/2.json`, `documents/${id}/pages/3.json`, `documents/${id}/linked/secret.json`]) {
        const res = await request(files).get(`/api/files/${key}`).expect(404);
        expect(res.body.error.code).toBe("not_found");
      }
      await request(files).get("/api/files/elsewhere/x.json").expect(404);
    });
  });

  describe("slow clients", () => {
    const quick = { ...SERVER_TIMEOUTS, headersTimeoutMs: 1000, requestTimeoutMs: 10_000, minBodyBytesPerSecond: 200, bodyRateWindowMs: 500 };

    /** Opens a connection, writes `first`, then one byte every `everyMs`; resolves with what the server sent and how long it kept the connection. */
    async function trickle(port: number, first: string, byte: string, everyMs: number): Promise<{ ms: number; reply: string }> {
      const started = Date.now();
      const socket = net.connect(port, "127.0.0.1");
      let reply = "";
      socket.on("data", (chunk: Buffer) => (reply += chunk.toString("latin1")));
      socket.write(first);
      const timer = setInterval(() => socket.write(byte), everyMs);
      await new Promise<void>((resolve) => {
        socket.on("close", () => resolve());
        socket.on("error", () => resolve());
      });
      clearInterval(timer);
      return { ms: Date.now() - started, reply };
    }

    it("closes a connection whose headers or body trickle, long before the request deadline", async () => {
      const server = createHttpServer(app(), base.log, quick);
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
      const port = (server.address() as net.AddressInfo).port;
      try {
        const headers = await trickle(port, "GET /api/documents HTTP/1.1\r\nHost: x\r\nX-Slow: ", "a", 100);
        expect(headers.ms).toBeLessThan(5000);
        expect(headers.reply).toMatch(/^HTTP\/1\.1 408/);
        expect(headers.reply).toContain('{"error":{"code":"request_timeout"');
        const body = await trickle(port, "POST /api/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", " ", 100);
        expect(body.ms).toBeLessThan(5000);
        // Headers over Node's 16 KB: refused by the parser, in the API's error shape.
        const big = await trickle(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`, "", 1000);
        expect(big.reply).toMatch(/^HTTP\/1\.1 431 /);
        expect(big.reply).toContain('{"error":{"code":"headers_too_large"');
        // A client that keeps up is not disturbed: 300 KB at ~600 KB/s in 100 chunks.
        const steady = await request(server)
          .post("/api/documents")
          .attach("file", Buffer.alloc(300_000, 0x20), "a.pdf")
          .expect(415);
        expect(steady.body.error.code).toBe("not_pdf");
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it("the defaults fit a 100 MB upload from a slow real client (0.5 Mbit/s), and cut a 1 byte/s trickle in 30 s", () => {
      const slowRealClientBytesPerSecond = 0.5e6 / 8;
      expect((100 * 2 ** 20) / slowRealClientBytesPerSecond).toBeLessThan(SERVER_TIMEOUTS.requestTimeoutMs / 1000);
      expect(slowRealClientBytesPerSecond).toBeGreaterThan(10 * SERVER_TIMEOUTS.minBodyBytesPerSecond);
      expect(SERVER_TIMEOUTS.bodyRateWindowMs).toBeLessThanOrEqual(30_000);
      expect(SERVER_TIMEOUTS.headersTimeoutMs).toBeLessThanOrEqual(20_000);
      expect(SERVER_TIMEOUTS.keepAliveTimeoutMs).toBeGreaterThan(60_000);
    });
  });
});
