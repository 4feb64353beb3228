import { randomUUID } from "node:crypto";
import { closeDb, DocumentRepository, type Db } from "@pagewise/db";
import { closePool, createPool, PgDocumentProgress } from "@pagewise/db/progress";
import { databaseUrl, testDb } from "../support/services";

/**
 * The worker's SQL writes (PgDocumentProgress, on a pool of its own as in the worker process) checked against what
 * Prisma reads back: the same row, the same types, and updated_at moved by every write, as Prisma's @updatedAt
 * would (housekeeping re-queues by it). The status rules themselves are covered through DocumentRepository, which
 * delegates to this class (document-repository.test.ts).
 */
describe("PgDocumentProgress (the worker's writes in SQL, real PostgreSQL)", () => {
  let db: Db;
  let prisma: DocumentRepository;
  let progress: PgDocumentProgress;
  const pool = createPool(databaseUrl(), 2);
  const ids: string[] = [];

  beforeAll(() => {
    db = testDb();
    prisma = new DocumentRepository(db);
    progress = new PgDocumentProgress(pool);
  });
  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: ids } } });
    await closeDb(db);
    await closePool(pool);
  });

  async function newDocument(): Promise<string> {
    const id = randomUUID();
    ids.push(id);
    await prisma.create({ id, title: "T", filename: "t.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 10 });
    return id;
  }
  const updatedAt = async (id: string) => (await db.document.findUniqueOrThrow({ where: { id } })).updatedAt.getTime();
  const page = { number: 1, width: 1275, height: 1650, scale: 2.0833333333333335, detectionCount: 4, imageKey: "i1", jsonKey: "j1" };
  const timings = { renderMs: 45.25, inferenceMs: 238.5, annotateMs: 301.125, uploadMs: 20.75 };

  it("claim() returns the row exactly as Prisma reads it", async () => {
    const id = await newDocument();
    const claimed = await progress.claim(id, "ppocr-det");
    expect(claimed).toStrictEqual(await db.document.findUnique({ where: { id } }));
    expect(claimed).toMatchObject({ status: "processing", detector: "ppocr-det", attempts: 1 });
  });

  it("moves updated_at on every write, like Prisma's @updatedAt", async () => {
    const id = await newDocument();
    const writes: Array<() => Promise<unknown>> = [
      () => progress.claim(id, "ppocr-det"),
      () => progress.setPageCount(id, 2),
      () => progress.recordPage(id, page),
      () => progress.markSucceeded(id),
    ];
    for (const write of writes) {
      // Back-dated first, so the write must move it (timestamps have millisecond precision).
      await pool.query("UPDATE documents SET updated_at = now() - interval '1 hour' WHERE id = $1", [id]);
      const before = await updatedAt(id);
      await write();
      expect(await updatedAt(id) - before).toBeGreaterThan(3500_000);
    }
  });

  it("a re-recorded page without timings keeps the timings it had; pagesDone counts the page rows", async () => {
    const id = await newDocument();
    await progress.claim(id, "ppocr-det");
    await progress.recordPage(id, { ...page, timings });
    await progress.recordPage(id, { ...page, number: 2 });
    await progress.recordPage(id, { ...page, detectionCount: 9 });
    const stored = await prisma.findThroughPrisma(id);
    expect(stored?.pagesDone).toBe(2);
    expect(stored?.pages[0]).toMatchObject({ number: 1, detectionCount: 9, ...timings });
    expect(stored?.pages[1]).toMatchObject({ number: 2, renderMs: null, uploadMs: null });
  });

  it("pages recorded out of order (the ranges of a split document): pagesDone is the number of rows, recordedPages() which", async () => {
    const id = await newDocument();
    await progress.claim(id, "ppocr-det");
    for (const number of [7, 8, 1, 9]) await progress.recordPage(id, { ...page, number });
    expect((await prisma.findThroughPrisma(id))?.pagesDone).toBe(4);
    expect(await progress.recordedPages(id, 1, 8)).toEqual([1, 7, 8]);
    expect(await progress.recordedPages(id, 2, 6)).toEqual([]);
    expect(await progress.read(id)).toMatchObject({ id, pagesDone: 4, status: "processing" });
  });

  it("two ranges recording pages at once under the row's share lock: no deadlock, each page counted once", async () => {
    const id = await newDocument();
    await progress.claim(id, "ppocr-det");
    const wide = createPool(databaseUrl(), 8);
    try {
      const writers = new PgDocumentProgress(wide);
      // Each upload waits until every writer holds its lock, so all of them then update the row at once.
      const numbers = [1, 2, 3, 4, 5, 6];
      let arrived = 0;
      let release: () => void = () => undefined;
      const allLocked = new Promise<void>((resolve) => (release = resolve));
      const uploads = numbers.map((number) =>
        writers.recordPageExclusively(id, { ...page, number }, async () => {
          arrived += 1;
          if (arrived === numbers.length) release();
          await allLocked;
        }),
      );
      expect(await Promise.all(uploads)).toEqual(numbers.map(() => true));
      await progress.recordPage(id, { ...page, number: 3 }); // again: not counted twice
    } finally {
      await closePool(wide);
    }
    expect((await prisma.findThroughPrisma(id))?.pagesDone).toBe(6);
  });

  it("setPageCount() refuses a document that does not exist, as Prisma's update does", async () => {
    await expect(progress.setPageCount(randomUUID(), 3)).rejects.toThrow(/no document/);
  });

  it("statusOf() and find() see what Prisma wrote; unknown ids are undefined and null", async () => {
    const id = await newDocument();
    expect(await progress.statusOf(id)).toBe("queued");
    expect(await progress.find(id)).toStrictEqual(await prisma.findThroughPrisma(id));
    expect(await progress.statusOf(randomUUID())).toBeUndefined();
    expect(await progress.find(randomUUID())).toBeNull();
  });

  // Not back-dated: other test files' housekeeping takes the 500 stalest documents of the shared test database.
  it("unfinishedOlderThan() lists queued and processing documents, least recently touched first, not finished ones", async () => {
    const [a, b, done] = [await newDocument(), await newDocument(), await newDocument()];
    await progress.claim(b, "ppocr-det");
    await progress.claim(done, "ppocr-det");
    await progress.markFailed(done, "internal", "x");
    const mine = (list: { id: string }[]) => list.filter((d) => [a, b, done].includes(d.id));
    expect(mine(await progress.unfinishedOlderThan(-60_000, 100_000))).toEqual([
      { id: a, status: "queued" },
      { id: b, status: "processing" },
    ]);
    expect(mine(await progress.unfinishedOlderThan(3600_000, 100_000))).toEqual([]);
  });
});
