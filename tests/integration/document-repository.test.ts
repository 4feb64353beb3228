import { randomUUID } from "node:crypto";
import { closeDb, DocumentRepository, isUniqueViolation, webTransitions, type Db } from "@pagewise/db";
import { PgDocumentProgress } from "@pagewise/db/progress";
import { testDb } from "../support/services";

describe("DocumentRepository status rules (real PostgreSQL)", () => {
  let db: Db;
  let documents: DocumentRepository;
  /** The worker's transitions (as the worker process has them), on the same pool. */
  let worker: PgDocumentProgress;
  const ids: string[] = [];

  beforeAll(() => {
    db = testDb();
    documents = new DocumentRepository(db);
    worker = new PgDocumentProgress(db.pool);
  });
  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: ids } } });
    await closeDb(db);
  });

  async function newDocument(extra: { idempotencyKey?: string; ocr?: boolean } = {}) {
    const id = randomUUID();
    ids.push(id);
    await documents.create({ id, title: "T", filename: "t.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 10, ...extra });
    return id;
  }
  const page = (number: number) => ({ number, width: 100, height: 200, scale: 2, detectionCount: number, imageKey: `i${number}`, jsonKey: `j${number}` });

  it("claims a queued document once per attempt and records who detects", async () => {
    const id = await newDocument();
    const claimed = await worker.claim(id, "ppocr-det");
    expect(claimed).toMatchObject({ status: "processing", detector: "ppocr-det", attempts: 1 });
    expect(claimed?.startedAt).toBeInstanceOf(Date);
    const again = await worker.claim(id, "ppocr-det");
    expect(again?.attempts).toBe(2);
    expect(again?.startedAt?.getTime()).toBe(claimed?.startedAt?.getTime());
  });

  it("upserts pages and never moves pagesDone backwards", async () => {
    const id = await newDocument();
    await worker.claim(id, "ppocr-det");
    await worker.recordPage(id, page(1));
    await worker.recordPage(id, page(2));
    await worker.recordPage(id, { ...page(1), detectionCount: 99 }); // a re-delivered page 1
    const doc = await documents.find(id);
    expect(doc?.pagesDone).toBe(2);
    expect(doc?.pages.map((p) => [p.number, p.detectionCount])).toEqual([
      [1, 99],
      [2, 2],
    ]);
  });

  it("does not fail or re-finish a document that already ended", async () => {
    const id = await newDocument();
    await worker.claim(id, "ppocr-det");
    expect(await worker.markSucceeded(id)).toBe(true);
    expect(await worker.markFailed(id, "internal", "x")).toBe(false);
    expect(await worker.claim(id, "ppocr-det")).toBeNull();
    expect((await documents.find(id))?.status).toBe("succeeded");
  });

  it("keeps a failure's code and public message", async () => {
    const id = await newDocument();
    expect(await worker.markFailed(id, "pdf_encrypted", "The PDF is protected by a password.")).toBe(true);
    expect(await documents.find(id)).toMatchObject({ status: "failed", errorCode: "pdf_encrypted" });
  });

  it("lists newest first with keyset pagination", async () => {
    const a = await newDocument();
    const b = await newDocument();
    // Other test files insert documents concurrently; they are always newer, so they never land after a cursor.
    const all = await documents.list(100);
    const ib = all.findIndex((d) => d.id === b);
    const ia = all.findIndex((d) => d.id === a);
    expect(ib).toBeGreaterThanOrEqual(0);
    expect(ia).toBeGreaterThan(ib);
    const afterB = await documents.list(all.length, { createdAt: all[ib]!.createdAt, id: b });
    const rest = all.slice(ib + 1).map((d) => d.id);
    expect(afterB.slice(0, rest.length).map((d) => d.id)).toEqual(rest);
    expect(rest).toContain(a);
  });

  const timedPage = (number: number, timed: boolean) => ({
    number,
    width: 1275,
    height: 1650,
    scale: 2.0833333333333335,
    detectionCount: number * 3,
    imageKey: `documents/x/pages/${number}.png`,
    jsonKey: `documents/x/pages/${number}.json`,
    timings: timed ? { renderMs: 45.25, inferenceMs: 238.5, annotateMs: 301.125, uploadMs: 20.75 } : undefined,
  });

  // find() is SQL over pg (document-read.ts); it must return exactly what Prisma's read returns.
  it("find() returns every field of a document and its pages, with Prisma's values and types", async () => {
    const id = await newDocument({ idempotencyKey: `key-${randomUUID()}`, ocr: true });
    await worker.claim(id, "ppocr-det");
    // Recorded out of order, one without timings: the read sorts by page number and keeps the nulls.
    for (const p of [timedPage(3, true), timedPage(1, false), timedPage(2, true)]) await worker.recordPage(id, p);
    await worker.markFailed(id, "timeout", "The document took too long.");

    const viaSql = await documents.find(id);
    const viaPrisma = await documents.findThroughPrisma(id);
    expect(viaPrisma).not.toBeNull();
    expect(viaSql).toStrictEqual(viaPrisma);
    expect(viaSql?.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    expect(viaSql?.createdAt).toBeInstanceOf(Date);
  });

  it("find() matches Prisma for a new document with no pages and unset fields", async () => {
    const id = await newDocument();
    const viaSql = await documents.find(id);
    expect(viaSql).toStrictEqual(await documents.findThroughPrisma(id));
    expect(viaSql).toMatchObject({ status: "queued", pageCount: null, startedAt: null, pages: [] });
  });

  // create() is one INSERT in SQL, on the pool or on a direct upload's Prisma transaction (web-transitions.ts).
  it("create() returns the row Prisma reads, with every field given, on the pool and in a Prisma transaction", async () => {
    const key = `key-${randomUUID()}`;
    const input = (id: string) => ({
      id,
      title: "T",
      filename: "t.pdf",
      sourceKey: `documents/${id}/source.pdf`,
      sourceBytes: 10,
      sourceSha256: "ab".repeat(32),
      ocr: true,
      idempotencyKey: key,
      idempotencyFingerprint: "f",
      expiresAt: new Date("2030-01-02T03:04:05.678Z"),
      callbackUrl: "https://example.com/hook",
      webhookPages: true,
    });
    const id = randomUUID();
    ids.push(id);
    const created = await documents.create(input(id));
    expect(created).toStrictEqual(await db.document.findUnique({ where: { id } }));
    expect(created).toMatchObject({ status: "queued", ocr: true, webhookPages: true, expiresAt: new Date("2030-01-02T03:04:05.678Z") });

    const inTransaction = randomUUID();
    ids.push(inTransaction);
    const again = { ...input(inTransaction), idempotencyKey: `${key}-tx` };
    const createdInTx = await db.$transaction((tx) => webTransitions.create(tx, again));
    expect(createdInTx).toStrictEqual(await db.document.findUnique({ where: { id: inTransaction } }));

    // The same Idempotency-Key again is a unique violation, however the INSERT ran (the route replays on it).
    const duplicate = { ...input(randomUUID()) };
    const onPool = await documents.create(duplicate).then(() => null, (error: unknown) => error);
    const onTransaction = await db.$transaction((tx) => webTransitions.create(tx, duplicate)).then(() => null, (error: unknown) => error);
    expect([isUniqueViolation(onPool), isUniqueViolation(onTransaction)]).toEqual([true, true]);
  });

  it("find() returns null for an id it does not know", async () => {
    expect(await documents.find(randomUUID())).toBeNull();
  });
});
