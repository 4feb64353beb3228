import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { closeDb, type Db, DocumentRepository, StorageOwners } from "@pagewise/db";
import { createPool, closePool, PgDocumentProgress } from "@pagewise/db/progress";
import { createLogger } from "@pagewise/logger";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore, type ObjectStore } from "@pagewise/storage";
import { housekeepingHandler } from "@pagewise/worker/housekeeping-handler";
import { sweepOrphans, type SweepCursor } from "@pagewise/worker/orphan-sweep";
import { redisSweepCursor } from "@pagewise/worker/sweep-cursor";
import { startS3Server } from "../support/s3-server";
import { obliterate, randomPrefix, testDb, testRedis } from "../support/services";

const HOUR = 3600_000;
const memoryCursor = (): SweepCursor => {
  const at = new Map<string, string>();
  return {
    get: async (area) => at.get(area),
    set: async (area, after) => {
      if (after === undefined) at.delete(area);
      else at.set(area, after);
    },
  };
};

/** Issue 16 item 2: housekeeping removes storage that no row owns, after a grace period, in both drivers. */
describe.each(["local", "s3"] as const)("orphaned storage sweep with %s storage (real Postgres, Redis, storage)", (driver) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-sweep-"));
  const prefix = randomPrefix(`sweep-${driver}`);
  let db: Db;
  let pool: ReturnType<typeof createPool>;
  let redis: RedisClient;
  let store: ObjectStore;
  let stopS3: (() => Promise<void>) | undefined;
  const documentIds: string[] = [];
  const uploadIds: string[] = [];

  beforeAll(async () => {
    db = testDb();
    pool = createPool(process.env.DATABASE_URL as string, 2);
    redis = await connectRedis("producer", testRedis());
    if (driver === "s3") {
      const s3 = await startS3Server();
      store = createObjectStore(s3.config);
      stopS3 = s3.stop;
    } else {
      store = createObjectStore({ driver: "local", directory: path.join(tmp, "data") });
    }
  });

  afterAll(async () => {
    await db.upload.deleteMany({ where: { id: { in: uploadIds } } });
    await db.document.deleteMany({ where: { id: { in: documentIds } } });
    await closeDb(db);
    await closePool(pool);
    await obliterate(prefix);
    redis.disconnect();
    await stopS3?.();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const put = (key: string) => store.put(key, Buffer.from("%PDF-1.4\n"), "application/pdf");
  async function documentRow(id: string) {
    documentIds.push(id);
    await new DocumentRepository(db).create({ id, title: "t", filename: "t.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 9 });
  }
  async function uploadRow(id: string, expiresAt: Date, documentId?: string) {
    uploadIds.push(id);
    await db.upload.create({ data: { id, filename: "u.pdf", contentType: "application/pdf", size: 9, objectKey: `uploads/${id}/source.pdf`, expiresAt, documentId } });
  }
  const sweep = (over: { now?: number; batch?: number; cursor?: SweepCursor } = {}) =>
    sweepOrphans({
      store,
      owners: new StorageOwners(pool),
      cursor: over.cursor ?? memoryCursor(),
      log: createLogger("sweep-test", "silent"),
      graceMs: HOUR,
      batch: over.batch ?? 1000,
      now: () => over.now ?? Date.now(),
    });

  it("removes folders no row owns once they are older than the grace period, and nothing else", async () => {
    const orphan = randomUUID(); // stored, then the row was never written (crash, or the insert failed)
    await put(`documents/${orphan}/source.pdf`);
    await put(`documents/${orphan}/pages/1.png`);
    const owned = randomUUID();
    await put(`documents/${owned}/source.pdf`);
    await documentRow(owned);
    const expired = randomUUID(); // PUT to S3, never made into a document, URL long expired
    await put(`uploads/${expired}/source.pdf`);
    await uploadRow(expired, new Date(Date.now() - 3 * HOUR));
    const pending = randomUUID(); // PUT, URL still valid: the client may still call POST /api/documents
    await put(`uploads/${pending}/source.pdf`);
    await uploadRow(pending, new Date(Date.now() + HOUR));
    const consumed = randomUUID(); // the source of a document
    const consumer = randomUUID();
    await put(`uploads/${consumed}/source.pdf`);
    await documentRow(consumer);
    await uploadRow(consumed, new Date(Date.now() - 3 * HOUR), consumer);
    const unknownUpload = randomUUID(); // no row at all
    await put(`uploads/${unknownUpload}/source.pdf`);
    await put("documents/not-a-uuid/keep.txt"); // not Pagewise's to judge

    // Young: nothing is removed yet (an upload is stored moments before its row is written).
    expect((await sweep()).removed).toEqual([]);

    const later = Date.now() + 2 * HOUR;
    const { removed } = await sweep({ now: later });
    expect(removed.sort()).toEqual([`documents/${orphan}/`, `uploads/${expired}/`, `uploads/${unknownUpload}/`].sort());
    expect(await store.list(`documents/${orphan}/`)).toEqual([]);
    expect(await store.list(`uploads/${expired}/`)).toEqual([]);
    expect(await store.head(`documents/${owned}/source.pdf`)).not.toBeNull();
    expect(await store.head(`uploads/${pending}/source.pdf`)).not.toBeNull();
    expect(await store.head(`uploads/${consumed}/source.pdf`)).not.toBeNull();
    expect(await store.head("documents/not-a-uuid/keep.txt")).not.toBeNull();
    expect((await sweep({ now: later })).removed).toEqual([]);
  });

  it("goes through a large bucket a batch per run, on from where the last run stopped (the cursor in Redis)", async () => {
    const ids = Array.from({ length: 5 }, () => randomUUID()).sort();
    for (const id of ids) await put(`documents/${id}/source.pdf`);
    const cursor = redisSweepCursor(redis, prefix);
    const later = Date.now() + 2 * HOUR;
    const removed: string[] = [];
    for (let run = 0; run < 10 && removed.length < ids.length; run += 1) removed.push(...(await sweep({ now: later, batch: 2, cursor })).removed);
    expect(removed.sort()).toEqual(ids.map((id) => `documents/${id}/`));
  });

  it("runs as part of the housekeeping job", async () => {
    const orphan = randomUUID();
    await put(`documents/${orphan}/source.pdf`);
    const queue = new DocumentQueue(redis, prefix);
    try {
      await housekeepingHandler({
        documents: new PgDocumentProgress(pool),
        queue,
        log: createLogger("hk-test", "silent"),
        staleMs: 24 * HOUR, // leave other tests' documents alone
        keepFinishedJobsMs: HOUR,
        orphans: { store, owners: new StorageOwners(pool), cursor: memoryCursor(), graceMs: HOUR, batch: 1000, now: () => Date.now() + 2 * HOUR },
      })({}, undefined as never, undefined);
    } finally {
      await queue.close();
    }
    expect(await store.list(`documents/${orphan}/`)).toEqual([]);
  });
});
