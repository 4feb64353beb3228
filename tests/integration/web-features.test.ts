import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Express } from "express";
import request from "supertest";
import { createLogger } from "@pagewise/logger";
import { closeDb, countDocumentsByStatus, type Db, DocumentRepository } from "@pagewise/db";
import { recordPageTimings, recordWorkerRss } from "@pagewise/metrics";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { clientConfigSchema, documentListSchema, documentSchema, errorSchema } from "@pagewise/web/api-schemas";
import { createApp } from "@pagewise/web/app";
import type { WebDeps } from "@pagewise/web/deps";
import { webMetrics } from "@pagewise/web/web-features";
import { corpusFile, obliterate, randomPrefix, testDb, testRedis } from "../support/services";

/** API key, CORS, the admin dashboard, /metrics, /api/config, /api/openapi.json and the page, on real services. */
describe("web features (real Postgres, Redis)", () => {
  const prefix = randomPrefix("features");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-features-"));
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let base: WebDeps;

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    base = {
      documents: new DocumentRepository(db),
      queue,
      store: createObjectStore({ driver: "local", directory: path.join(tmp, "data") }),
      log: createLogger("web-test", "silent"),
      limits: { maxUploadBytes: 1_000_000 },
      checkReady: async () => undefined,
      metrics: webMetrics({ db, redis, queue }, prefix),
    };
  });

  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const app = (security?: WebDeps["security"]): Express => createApp({ ...base, security });

  describe("API key", () => {
    const secured = () => app({ apiKey: "s3cret-key" });

    it("is required on /api and /metrics when set, with a JSON 401", async () => {
      const res = await request(secured()).get("/api/documents").expect(401);
      expect(errorSchema.parse(res.body).error.code).toBe("unauthorized");
      expect(res.headers["www-authenticate"]).toMatch(/^Bearer/);
      await request(secured()).get("/api/documents").set("Authorization", "Bearer wrong").expect(401);
      await request(secured()).get("/metrics").expect(401);
      await request(secured()).get("/api/documents").set("Authorization", "Bearer s3cret-key").expect(200);
      await request(secured()).get("/metrics").set("Authorization", "Bearer s3cret-key").expect(200);
    });

    it("leaves probes, the page's config, the OpenAPI document and the page open", async () => {
      await request(secured()).get("/healthz").expect(200);
      const config = await request(secured()).get("/api/config").expect(200);
      expect(clientConfigSchema.parse(config.body)).toEqual({ directUpload: false, maxUploadBytes: 1_000_000, authRequired: true, storage: "local" });
      const spec = await request(secured()).get("/api/openapi.json").expect(200);
      expect(spec.body.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
      expect(spec.body.security).toEqual([{ apiKey: [] }]);
    });

    it("is not needed when unset", async () => {
      await request(app()).get("/api/documents").expect(200);
      expect((await request(app()).get("/api/config").expect(200)).body.authRequired).toBe(false);
    });
  });

  describe("CORS", () => {
    it("sends no CORS headers when no origins are configured (same-origin only)", async () => {
      const res = await request(app()).get("/api/documents").set("Origin", "https://elsewhere.example").expect(200);
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    });

    it("allows the configured origins, with preflights that pass the API key check", async () => {
      const cors = app({ corsOrigins: ["https://app.example"], apiKey: "k" });
      const pre = await request(cors)
        .options("/api/documents")
        .set("Origin", "https://app.example")
        .set("Access-Control-Request-Method", "POST")
        .set("Access-Control-Request-Headers", "authorization")
        .expect(204);
      expect(pre.headers["access-control-allow-origin"]).toBe("https://app.example");
      expect(pre.headers["access-control-allow-headers"]).toMatch(/Authorization/);
      const other = await request(cors).get("/api/documents").set("Origin", "https://evil.example").set("Authorization", "Bearer k").expect(200);
      expect(other.headers["access-control-allow-origin"]).toBeUndefined();
    });
  });

  describe("queue dashboard", () => {
    it("is a 404 when ADMIN_USER/ADMIN_PASSWORD are unset", async () => {
      await request(app()).get("/admin/queues").expect(404);
    });

    it("asks for basic auth, and serves bull-board with the right credentials", async () => {
      const admin = app({ admin: { user: "ops", password: "pw" } });
      const denied = await request(admin).get("/admin/queues").expect(401);
      expect(denied.headers["www-authenticate"]).toMatch(/^Basic realm=/);
      await request(admin).get("/admin/queues").auth("ops", "nope").expect(401);
      const page = await request(admin).get("/admin/queues").auth("ops", "pw").expect(200);
      expect(page.text).toMatch(/<html/i);
      const queues = await request(admin).get("/admin/queues/api/queues").auth("ops", "pw").expect(200);
      expect(JSON.stringify(queues.body)).toContain("documents");
    });
  });

  it("/metrics: documents by status, queue depth, and the workers' page timings and RSS from Redis", async () => {
    await request(app()).post("/api/documents").attach("file", corpusFile("text-1p-pdflatex.pdf")).expect(202);
    await recordPageTimings(redis, prefix, { renderMs: 120, inferenceMs: 800, annotateMs: 15, uploadMs: 40 });
    await recordPageTimings(redis, prefix, { renderMs: 3000, inferenceMs: 900, annotateMs: 5, uploadMs: 60 });
    await recordWorkerRss(redis, prefix, "worker-a", 123_456_789);
    const text = (await request(app()).get("/metrics").expect(200).expect("Content-Type", /text\/plain/)).text;
    const queued = (await countDocumentsByStatus(db)).queued;
    expect(text).toContain(`pagewise_documents{status="queued"} ${queued}`);
    expect(text).toMatch(/pagewise_queue_jobs\{state="waiting"\} [1-9]/);
    expect(text).toContain("pagewise_pages_processed_total 2");
    expect(text).toContain('pagewise_page_stage_duration_seconds_bucket{stage="render",le="0.25"} 1');
    expect(text).toContain('pagewise_page_stage_duration_seconds_bucket{stage="render",le="5"} 2');
    expect(text).toContain('pagewise_page_stage_duration_seconds_bucket{stage="inference",le="+Inf"} 2');
    expect(text).toContain('pagewise_page_stage_duration_seconds_sum{stage="inference"} 1.7');
    expect(text).toContain('pagewise_page_stage_duration_seconds_count{stage="upload"} 2');
    expect(text).toContain('pagewise_worker_rss_bytes{worker="worker-a"} 123456789');
    expect(text).toMatch(/^pagewise_web_process_resident_memory_bytes \d+/m);
  });

  it("real answers parse with the published response schemas", async () => {
    const created = await request(app()).post("/api/documents").attach("file", corpusFile("text-1p-pdflatex.pdf")).expect(202);
    const doc = documentSchema.parse(created.body);
    documentSchema.parse((await request(app()).get(`/api/documents/${doc.id}`).expect(200)).body);
    documentListSchema.parse((await request(app()).get("/api/documents?limit=5").expect(200)).body);
    errorSchema.parse((await request(app()).get("/api/documents/nope").expect(404)).body);
    const cancelled = documentSchema.parse((await request(app()).post(`/api/documents/${doc.id}/cancel`).expect(200)).body);
    expect(cancelled.status).toBe("cancelled");
    const retried = documentSchema.parse((await request(app()).post(`/api/documents/${doc.id}/retry`).expect(202)).body);
    expect(retried.status).toBe("queued");
  });

  it("serves the built page at / (npm run build builds apps/ui), or says how to build it", async () => {
    const built = fs.existsSync(path.resolve(__dirname, "../../apps/ui/dist/index.html"));
    const res = await request(app()).get("/");
    if (built) {
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/<title>Pagewise<\/title>/);
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(res.text)?.[1];
      expect(asset).toBeDefined();
      await request(app()).get(asset!).expect(200).expect("Cache-Control", /immutable/);
    } else {
      expect(res.status).toBe(404);
    }
    const empty = createApp({ ...base, uiDir: path.join(tmp, "no-ui") });
    expect((await request(empty).get("/").expect(404)).text).toMatch(/npm run build/);
  });
});
