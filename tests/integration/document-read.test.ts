import { randomUUID } from "node:crypto";
import { closeDb, DocumentRepository, type Db } from "@pagewise/db";
import { testDb } from "../support/services";

/** The status read runs as SQL over pg (document-read.ts); it must return exactly what Prisma returns. */
describe("DocumentRepository.find (SQL over pg) against Prisma's read (real PostgreSQL)", () => {
  let db: Db;
  let documents: DocumentRepository;
  const ids: string[] = [];

  beforeAll(() => {
    db = testDb();
    documents = new DocumentRepository(db);
  });
  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: ids } } });
    await closeDb(db);
  });

  async function newDocument(extra: { idempotencyKey?: string; ocr?: boolean } = {}) {
    const id = randomUUID();
    ids.push(id);
    await documents.create({ id, title: "Ünïcode title", filename: "a.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 1234, ...extra });
    return id;
  }
  const page = (number: number, timed: boolean) => ({
    number,
    width: 1275,
    height: 1650,
    scale: 2.0833333333333335,
    detectionCount: number * 3,
    imageKey: `documents/x/pages/${number}.png`,
    jsonKey: `documents/x/pages/${number}.json`,
    timings: timed ? { renderMs: 45.25, inferenceMs: 238.5, annotateMs: 301.125, uploadMs: 20.75 } : undefined,
  });

  it("returns every field of a document and its pages, with Prisma's values and types", async () => {
    const id = await newDocument({ idempotencyKey: `key-${randomUUID()}`, ocr: true });
    await documents.claim(id, "ppocr-det");
    // Recorded out of order, one without timings: the read sorts by page number and keeps the nulls.
    for (const p of [page(3, true), page(1, false), page(2, true)]) await documents.recordPage(id, p);
    await documents.markFailed(id, "timeout", "The document took too long.");

    const viaSql = await documents.find(id);
    const viaPrisma = await documents.findThroughPrisma(id);
    expect(viaPrisma).not.toBeNull();
    expect(viaSql).toStrictEqual(viaPrisma);
    expect(viaSql?.pages.map((p) => p.number)).toEqual([1, 2, 3]);
    expect(viaSql?.createdAt).toBeInstanceOf(Date);
  });

  it("matches Prisma for a new document with no pages and unset fields", async () => {
    const id = await newDocument();
    const viaSql = await documents.find(id);
    expect(viaSql).toStrictEqual(await documents.findThroughPrisma(id));
    expect(viaSql).toMatchObject({ status: "queued", pageCount: null, startedAt: null, pages: [] });
  });

  it("returns null for an id it does not know", async () => {
    expect(await documents.find(randomUUID())).toBeNull();
  });
});
