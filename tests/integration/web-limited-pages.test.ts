import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Express } from "express";
import request from "supertest";
import { storageKeys, type PageResult } from "@pagewise/core";
import { closeDb, type Db, DocumentRepository } from "@pagewise/db";
import { PgDocumentProgress } from "@pagewise/db/progress";
import { createLogger } from "@pagewise/logger";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import { documentSchema, pageAnswerSchema } from "@pagewise/web/api-schemas";
import { obliterate, randomPrefix, testDb, testRedis } from "../support/services";

/** Pages degraded or skipped at a limit, as every reader of the web app presents them (rows and files written here). */
describe("pages that crossed a limit, in the API and the exports (real Postgres, local storage)", () => {
  const prefix = randomPrefix("limited-pages");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-limited-"));
  const store = createObjectStore({ driver: "local", directory: path.join(tmp, "data") });
  const id = randomUUID();
  let db: Db;
  let redis: RedisClient;
  let app: Express;

  const result = (number: number, scale: number, degraded?: PageResult["degraded"]): PageResult => ({
    number,
    width: Math.round(612 * scale),
    height: Math.round(792 * scale),
    scale,
    rotation: 0,
    detector: "ppocr-det",
    detections: [{ box: [1, 2, 30, 40], polygon: [[1, 2], [30, 2], [30, 40], [1, 40]], score: 0.9, label: "text" }],
    ...(degraded ? { degraded } : {}),
  });

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    app = createApp({
      documents: new DocumentRepository(db),
      queue: new DocumentQueue(redis, prefix),
      store,
      log: createLogger("web-test", "silent"),
      limits: { maxUploadBytes: 200_000 },
      checkReady: async () => undefined,
    });
    const documents = new PgDocumentProgress(db.pool); // the worker's transitions
    await new DocumentRepository(db).create({ id, title: "Limited", filename: "limited.pdf", sourceKey: storageKeys.source(id), sourceBytes: 1 });
    await documents.claim(id, "ppocr-det");
    await documents.setPageCount(id, 3);
    for (const [number, page] of [[1, result(1, 150 / 72)], [2, result(2, 75 / 72, { reason: "memory", dpi: 75 })]] as const) {
      await store.put(storageKeys.pageImage(id, number), Buffer.from("png"), "image/png");
      await store.put(storageKeys.pageJson(id, number), Buffer.from(JSON.stringify(page)), "application/json");
      await documents.recordPage(id, {
        number,
        width: page.width,
        height: page.height,
        scale: page.scale,
        detectionCount: 1,
        imageKey: storageKeys.pageImage(id, number),
        jsonKey: storageKeys.pageJson(id, number),
        degradedReason: page.degraded?.reason,
      });
    }
    await documents.recordPage(id, { number: 3, width: null, height: null, scale: null, detectionCount: 0, imageKey: null, jsonKey: null, skippedReason: "timeout" });
    await documents.markSucceeded(id);
  });

  afterAll(async () => {
    await db.document.deleteMany({ where: { id } });
    await closeDb(db);
    await obliterate(prefix);
    redis.disconnect();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("lists a degraded page with its reason and resolution, a skipped one without image, and pagesDone past both", async () => {
    const doc = documentSchema.parse((await request(app).get(`/api/documents/${id}`).expect(200)).body);
    expect(doc).toMatchObject({ status: "succeeded", pageCount: 3, pagesDone: 3 });
    expect(doc.pages[0]).not.toHaveProperty("degraded");
    expect(doc.pages[1]).toMatchObject({ number: 2, degraded: { reason: "memory", dpi: 75 }, imageUrl: expect.any(String) });
    expect(doc.pages[2]).toEqual({ number: 3, detections: 0, skipped: { reason: "timeout" } });
  });

  it("answers the page: the degraded one with its result, the skipped one with its reason", async () => {
    expect(pageAnswerSchema.parse((await request(app).get(`/api/documents/${id}/pages/2`).expect(200)).body)).toMatchObject({
      number: 2,
      degraded: { reason: "memory", dpi: 75 },
      detections: [{ label: "text" }],
    });
    expect((await request(app).get(`/api/documents/${id}/pages/3`).expect(200)).body).toEqual({ number: 3, detections: [], skipped: { reason: "timeout" } });
  });

  it("exports every page as JSON, and as COCO without an image for the skipped one (listed in info.pagewise)", async () => {
    const json = (await request(app).get(`/api/documents/${id}/export?format=json`).expect(200)).body as { pages: unknown[] };
    expect(json.pages).toEqual([
      expect.objectContaining({ number: 1 }),
      expect.objectContaining({ number: 2, degraded: { reason: "memory", dpi: 75 } }),
      { number: 3, detections: [], skipped: { reason: "timeout" } },
    ]);
    const coco = (await request(app).get(`/api/documents/${id}/export?format=coco`).expect(200)).body as {
      images: Array<{ id: number; degraded?: unknown }>;
      annotations: Array<{ image_id: number }>;
      info: { pagewise: { skippedPages: unknown } };
    };
    expect(coco.images).toEqual([
      { id: 1, file_name: "pages/1.png", width: 1275, height: 1650 },
      { id: 2, file_name: "pages/2.png", width: 638, height: 825, degraded: { reason: "memory", dpi: 75 } },
    ]);
    expect(coco.annotations.map((a) => a.image_id)).toEqual([1, 2]);
    expect(coco.info.pagewise.skippedPages).toEqual([{ number: 3, reason: "timeout" }]);
  });

  it("keeps a skipped page's row consistent: no size, scale, image or results, and a known reason", async () => {
    const documents = new PgDocumentProgress(db.pool);
    const skipped = { number: 3, width: null, height: null, scale: null, detectionCount: 0, imageKey: null, jsonKey: null };
    await expect(documents.recordPage(id, { ...skipped, skippedReason: "timeout", width: 10 })).rejects.toThrow(/pages_skipped_or_complete/);
    await expect(documents.recordPage(id, { ...skipped, skippedReason: "tired" as "timeout" })).rejects.toThrow(/pages_limit_reasons/);
    await expect(documents.recordPage(id, skipped)).rejects.toThrow(/pages_skipped_or_complete/);
  });
});
