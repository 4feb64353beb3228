import { randomUUID } from "node:crypto";
import { closeDb, closePool, createPool, DocumentRepository, PgWebhookDeliveries, type Db } from "@pagewise/db";
import { PgDocumentProgress } from "@pagewise/db/progress";
import { databaseUrl, testDb } from "../support/services";

/** The database writes each webhook event with the transition that causes it (trigger documents_webhook_event). */
describe("webhook outbox (real PostgreSQL)", () => {
  let db: Db;
  let pool: ReturnType<typeof createPool>;
  let documents: DocumentRepository;
  let progress: PgDocumentProgress;
  let deliveries: PgWebhookDeliveries;

  beforeAll(() => {
    db = testDb();
    pool = createPool(databaseUrl(), 2);
    documents = new DocumentRepository(db);
    progress = new PgDocumentProgress(pool);
    deliveries = new PgWebhookDeliveries(pool);
  });
  afterAll(async () => {
    await closePool(pool);
    await closeDb(db);
  });

  async function document(options: { callbackUrl?: string; webhookPages?: boolean }) {
    const id = randomUUID();
    await documents.create({ id, title: "T", filename: "t.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 1, ...options });
    return id;
  }
  /**
   * The document's events, sorted by name: events have no order (docs/webhooks.md), and created_at, in milliseconds,
   * ties within one transaction and can between two quick ones.
   */
  const events = async (id: string) => (await db.webhookDelivery.findMany({ where: { documentId: id } })).map((d) => d.event).sort();
  const page = (number: number) => ({ number, width: 1, height: 1, scale: 1, detectionCount: 0, imageKey: "a", jsonKey: "b" });

  it("records document.page only when asked, the final status, and the deletion", async () => {
    const withPages = await document({ callbackUrl: "https://hooks.example.com/a", webhookPages: true });
    const plain = await document({ callbackUrl: "https://hooks.example.com/b" });
    for (const id of [withPages, plain]) {
      await progress.claim(id, "ppocr-det");
      await progress.setPageCount(id, 2);
      await progress.recordPage(id, page(1));
      await progress.recordPage(id, page(1)); // a page done again on a retry: no second event
      await progress.recordPage(id, page(2));
      await progress.markSucceeded(id);
      await documents.deletions.remove(id);
    }
    expect(await events(withPages)).toEqual(["document.deleted", "document.page", "document.page", "document.succeeded"]);
    expect(await events(plain)).toEqual(["document.deleted", "document.succeeded"]);
    const succeeded = await db.webhookDelivery.findFirst({ where: { documentId: plain, event: "document.succeeded" } });
    expect(succeeded).toMatchObject({ url: "https://hooks.example.com/b", state: "pending", attempts: 0 });
    expect(succeeded!.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(succeeded!.payload).toMatchObject({ type: "document.succeeded", data: { id: plain, status: "succeeded", pageCount: 2, pagesDone: 2 } });
  });

  it("records failed and cancelled (a delete of a queued document cancels it first), and nothing without a target", async () => {
    const failing = await document({ callbackUrl: "https://hooks.example.com/c" });
    await progress.markFailed(failing, "not_pdf", "The file is not a PDF.");
    const payload = (await db.webhookDelivery.findFirst({ where: { documentId: failing } }))?.payload;
    expect(payload).toMatchObject({ type: "document.failed", data: { error: { code: "not_pdf" } } });
    const queued = await document({ callbackUrl: "https://hooks.example.com/c" });
    await documents.deletions.remove(queued);
    expect(await events(queued)).toEqual(["document.cancelled", "document.deleted"]);
    const silent = await document({});
    await progress.markFailed(silent, "not_pdf", "x");
    expect(await events(silent)).toEqual([]);
  });

  it("records document.succeeded for a document created already succeeded (reuse=true copies another's results)", async () => {
    const original = await document({});
    await progress.claim(original, "ppocr-det", 150);
    await progress.setPageCount(original, 1);
    await progress.recordPage(original, page(1));
    await progress.markSucceeded(original);
    const from = (await documents.find(original))!;
    const id = randomUUID();
    const input = { id, title: "T", filename: "t.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 1, callbackUrl: "https://hooks.example.com/r" };
    await documents.createReused(input, from, [{ number: 1, imageKey: "c", jsonKey: "d" }]);
    expect(await events(id)).toEqual(["document.succeeded"]);
    expect(await documents.find(id)).toMatchObject({ status: "succeeded", reusedFrom: original, webhookState: "pending" });
    expect(await events(original)).toEqual([]);
  });

  it("shows the newest delivery's attempts on the document row (what the status answer reads)", async () => {
    const id = await document({ callbackUrl: "https://hooks.example.com/d" });
    await progress.markFailed(id, "not_pdf", "x");
    expect(await documents.find(id)).toMatchObject({ webhookState: "pending", webhookAttempts: 0 });
    const [deliveryId] = await deliveries.unfinished({ documentId: id });
    await deliveries.recordAttempt(deliveryId, "retrying", 503);
    expect(await documents.find(id)).toMatchObject({ webhookState: "retrying", webhookAttempts: 1, webhookLastStatus: 503 });
    await deliveries.recordAttempt(deliveryId, "delivered", 200);
    expect(await documents.find(id)).toMatchObject({ webhookState: "delivered", webhookAttempts: 2, webhookLastStatus: 200 });
    expect(await deliveries.unfinished({ documentId: id })).toEqual([]);
  });

  it("prunes finished deliveries after their keep time, never unfinished ones", async () => {
    const id = await document({ callbackUrl: "https://hooks.example.com/e" });
    await progress.markFailed(id, "not_pdf", "x");
    const [deliveryId] = await deliveries.unfinished({ documentId: id });
    await pool.query("UPDATE webhook_deliveries SET created_at = now() - interval '8 days' WHERE id = $1", [deliveryId]);
    expect(await deliveries.prune(7 * 24 * 3600_000)).toBe(0); // still pending
    await deliveries.recordAttempt(deliveryId, "failed", 410);
    expect(await deliveries.prune(7 * 24 * 3600_000)).toBeGreaterThanOrEqual(1);
    expect(await deliveries.find(deliveryId)).toBeUndefined();
  });
});
