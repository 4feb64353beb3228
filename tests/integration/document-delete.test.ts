import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { closeDb, createPool, closePool, deleteDocument, DocumentRepository, PgDocumentDeletions, type Db } from "@pagewise/db";
import { PgDocumentProgress } from "@pagewise/db/progress";
import { createLogger } from "@pagewise/logger";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore, type ObjectStore } from "@pagewise/storage";
import { housekeepingHandler } from "@pagewise/worker/housekeeping-handler";
import { startS3Server, type TestS3Server } from "../support/s3-server";
import { databaseUrl, obliterate, randomPrefix, testDb, testRedis } from "../support/services";

const log = createLogger("delete-test", "silent");
const page = (number: number, id: string) => ({
  number,
  width: 10,
  height: 10,
  scale: 1,
  detectionCount: 0,
  imageKey: `documents/${id}/pages/${number}.png`,
  jsonKey: `documents/${id}/pages/${number}.json`,
});

/** Deletion through the one path (DELETE and retention), on real PostgreSQL, Redis, s3rver and a local directory. */
describe("deleting a document (real services)", () => {
  const prefix = randomPrefix("del");
  let db: Db;
  let pool: ReturnType<typeof createPool>;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let documents: DocumentRepository;
  let progress: PgDocumentProgress;
  let deletions: PgDocumentDeletions;
  let s3: TestS3Server;
  let localDir: string;
  const stores: Record<string, ObjectStore> = {};

  beforeAll(async () => {
    db = testDb();
    pool = createPool(databaseUrl(), 4);
    documents = new DocumentRepository(db);
    progress = new PgDocumentProgress(pool);
    deletions = new PgDocumentDeletions(pool);
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    s3 = await startS3Server();
    localDir = await mkdtemp(path.join(os.tmpdir(), "pagewise-delete-"));
    stores.s3 = createObjectStore(s3.config, { maxAttempts: 1 });
    stores.local = createObjectStore({ driver: "local", directory: localDir });
  });
  afterAll(async () => {
    await queue.close();
    redis.disconnect();
    await closePool(pool);
    await closeDb(db);
    await s3.stop();
    await rm(localDir, { recursive: true, force: true });
    await obliterate(prefix);
  });

  /** A document with a source, two pages and an extra object under its prefix; `uploadSource`: a direct upload's. */
  async function storedDocument(store: ObjectStore, options: { uploadSource?: boolean; status?: "queued" | "processing" | "succeeded" } = {}) {
    const id = randomUUID();
    const sourceKey = options.uploadSource ? `uploads/${randomUUID()}/file.pdf` : `documents/${id}/source.pdf`;
    await store.put(sourceKey, Buffer.from("%PDF-1.4"), "application/pdf");
    for (const n of [1, 2]) {
      await store.put(`documents/${id}/pages/${n}.png`, Buffer.from("png"), "image/png");
      await store.put(`documents/${id}/pages/${n}.json`, Buffer.from("{}"), "application/json");
    }
    await store.put(`documents/${id}/anything-else.bin`, Buffer.from("x"), "application/octet-stream");
    await documents.create({ id, title: "T", filename: "t.pdf", sourceKey, sourceBytes: 8 });
    for (const n of [1, 2]) await progress.recordPage(id, page(n, id));
    if (options.status) await db.document.update({ where: { id }, data: { status: options.status } });
    return { id, sourceKey };
  }

  const deps = (store: ObjectStore) => ({ deletions, store, removeJob: (id: string) => queue.removeJob(id), log });

  it.each(["s3", "local"])("removes the row, its pages and every stored object (%s), then knows it no more", async (driver) => {
    const store = stores[driver];
    for (const uploadSource of [false, true]) {
      const { id, sourceKey } = await storedDocument(store, { uploadSource });
      expect((await store.list(`documents/${id}/`)).length).toBe(6 - (uploadSource ? 1 : 0));
      expect(await deleteDocument(deps(store), id)).toBe("deleted");
      expect(await documents.find(id)).toBeNull();
      expect(await db.page.count({ where: { documentId: id } })).toBe(0);
      expect(await store.list(`documents/${id}/`)).toEqual([]);
      expect(await store.head(sourceKey)).toBeNull();
      expect(await db.documentDeletion.findUnique({ where: { documentId: id } })).toBeNull();
      expect(await deleteDocument(deps(store), id)).toBe("not_found");
    }
  });

  it("cancels a queued document first and removes its job", async () => {
    const { id } = await storedDocument(stores.s3, { status: "queued" });
    await queue.enqueueProcessDocument({ documentId: id });
    expect(await queue.jobState(id)).toBe("waiting");
    expect(await deleteDocument(deps(stores.s3), id)).toBe("deleted");
    expect(await queue.jobState(id)).toBe("missing");
  });

  it("waits for a worker that is storing a page, and a page started after the delete stores nothing", async () => {
    const store = stores.s3;
    const { id } = await storedDocument(store, { status: "processing" });
    let releaseUpload!: () => void;
    const uploading = new Promise<void>((resolve) => (releaseUpload = resolve));
    let uploadStarted!: () => void;
    const started = new Promise<void>((resolve) => (uploadStarted = resolve));
    // The worker's page 3: uploads under the row's share lock, held until the test lets it go.
    const storing = progress.recordPageExclusively(id, page(3, id), async () => {
      uploadStarted();
      await uploading;
      await store.put(`documents/${id}/pages/3.png`, Buffer.from("png"), "image/png");
    });
    await started;
    let deleteDone = false;
    const deleting = deleteDocument(deps(store), id).then((outcome) => {
      deleteDone = true;
      return outcome;
    });
    // The delete waits on the row lock (observed in PostgreSQL, not by a timer) until the page is stored.
    await waitUntil(async () => (await lockWaiters()) > 0);
    expect(deleteDone).toBe(false);
    releaseUpload();
    expect(await storing).toBe(true);
    expect(await deleting).toBe("deleted");
    expect(await store.list(`documents/${id}/`)).toEqual([]);

    // The next page finds no row: nothing is uploaded, nothing recorded.
    let uploaded = false;
    expect(await progress.recordPageExclusively(id, page(4, id), async () => void (uploaded = true))).toBe(false);
    expect(uploaded).toBe(false);
    expect(await store.list(`documents/${id}/`)).toEqual([]);
    expect(await progress.statusOf(id)).toBeUndefined(); // what the worker reads between pages: it stops
  });

  it("answers deleted while S3 is down, and housekeeping deletes the objects once it is back", async () => {
    const store = stores.s3;
    const { id } = await storedDocument(store);
    await s3.pause();
    let outcome: string;
    try {
      outcome = await deleteDocument(deps(store), id);
    } finally {
      await s3.resume();
    }
    expect(outcome).toBe("storage_pending");
    expect(await documents.find(id)).toBeNull(); // the API already answers 404
    expect((await store.list(`documents/${id}/`)).length).toBe(6);
    const pending = await db.documentDeletion.findUnique({ where: { documentId: id } });
    expect(pending).toMatchObject({ attempts: 1, prefixes: [`documents/${id}/`] });
    // Housekeeping leaves a deletion younger than a minute to its request; this one is older.
    await pool.query("UPDATE document_deletions SET requested_at = now() - interval '2 minutes' WHERE document_id = $1", [id]);
    await runHousekeeping(store);
    expect(await store.list(`documents/${id}/`)).toEqual([]);
    expect(await db.documentDeletion.findUnique({ where: { documentId: id } })).toBeNull();
  });

  it("retention: housekeeping deletes expired documents through the same path, and leaves the others", async () => {
    const store = stores.s3;
    const expired = await storedDocument(store, { status: "succeeded" });
    const kept = await storedDocument(store, { status: "succeeded" });
    await db.document.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await db.document.update({ where: { id: kept.id }, data: { expiresAt: new Date(Date.now() + 3600_000) } });
    await runHousekeeping(store);
    expect(await documents.find(expired.id)).toBeNull();
    expect(await store.list(`documents/${expired.id}/`)).toEqual([]);
    expect(await documents.find(kept.id)).not.toBeNull();
    expect((await store.list(`documents/${kept.id}/`)).length).toBe(6);
  });

  function runHousekeeping(store: ObjectStore) {
    return housekeepingHandler({
      documents: progress,
      queue,
      log,
      staleMs: 3600_000,
      keepFinishedJobsMs: 3600_000,
      deletions: { deletions, store },
    })({}, undefined as never, undefined);
  }

  /** Sessions waiting for a row lock in the deletion's SELECT ... FOR UPDATE. */
  async function lockWaiters(): Promise<number> {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%FROM documents WHERE id = $1 FOR UPDATE%'`,
    );
    return Number(rows[0].n);
  }
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setImmediate(resolve));
  }
}
