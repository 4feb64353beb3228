import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { Client } from "pg";
import { Webhook } from "standardwebhooks";
import { QueueName } from "@pagewise/queue";
import type { Service } from "../support/processes";
import { databaseUrl, waitForJob, testConnection } from "../support/services";
import { startStack, type Stack } from "../support/stack";
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from "../support/webhook-receiver";

const ONE_PAGE = "text-1p-pdflatex.pdf";
const MANY_PAGES = "slides-beamer-conference-talk.pdf"; // 31 pages
const SECRET = `whsec_${randomBytes(32).toString("base64")}`;
const pageDoneLine = (id: string, page: number) => new RegExp(`"documentId":"${id}".*"page":${page},.*"msg":"page done"`);

interface Status {
  status: string;
  expiresAt: string | null;
  webhook: { state: string | null; attempts: number; lastStatus: number | null; lastAttemptAt: string | null } | null;
}

/** Delete, retention and signed webhooks over HTTP: real web and worker processes, PostgreSQL, Redis, s3rver, and a receiver on loopback. */
describe("delete and webhooks (real processes)", () => {
  let stack: Stack;
  let receiver: WebhookReceiver;
  let worker: Service;
  let webhookJobs: Queue;

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    stack = await startStack("hooks", {
      RENDER_DPI: "72",
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: "true", // the receiver is on loopback
      RETENTION_HOURS: "48",
      WORKER_LOCK_DURATION_MS: "2000",
      WORKER_STALLED_INTERVAL_MS: "1000",
    });
    webhookJobs = new Queue(QueueName.Webhooks, { connection: testConnection(), prefix: stack.prefix });
    await stack.startWeb();
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await webhookJobs.close();
    await stack.stop();
    await receiver.stop();
  });

  const upload = async (file: string, fields: Record<string, string>) => {
    const res = await stack.upload(file, {}, fields);
    expect(res.status).toBe(202);
    return res.body.id as string;
  };
  const status = (id: string) => stack.get<Status>(`/api/documents/${id}`);
  const del = (id: string) => fetch(`${stack.base}/api/documents/${id}`, { method: "DELETE" });
  const verified = (hook: ReceivedWebhook) => new Webhook(SECRET).verify(hook.body, hook.headers) as ReceivedWebhook["json"];

  /** Re-reads the status until `done` holds (the webhook's state is written after the receiver answered). */
  async function statusUntil(id: string, done: (s: Status) => boolean, timeoutMs = 30_000): Promise<Status> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await status(id);
      if (done(s)) return s;
      if (Date.now() > deadline) throw new Error(`status of ${id} never matched: ${JSON.stringify(s)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("signs events per Standard Webhooks, shows retention and the last delivery, then DELETE answers 204, 404 after, and nothing is left in the bucket", async () => {
    const id = await upload(ONE_PAGE, { callbackUrl: receiver.url("/ok/a"), expiresInHours: "2" });
    const accepted = await status(id);
    expect(Date.parse(accepted.expiresAt!) - Date.now()).toBeGreaterThan(1.9 * 3600_000);
    expect(Date.parse(accepted.expiresAt!) - Date.now()).toBeLessThanOrEqual(2 * 3600_000);

    const succeeded = await receiver.waitFor("/ok/a");
    const event = verified(succeeded); // throws unless the signature, id and timestamp check out
    expect(event).toMatchObject({ type: "document.succeeded", data: { id, status: "succeeded", pageCount: 1, pagesDone: 1 } });
    expect(succeeded.headers["webhook-id"]).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(succeeded.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const shown = await statusUntil(id, (s) => s.webhook?.state === "delivered");
    expect(shown.webhook).toMatchObject({ state: "delivered", attempts: 1, lastStatus: 204 });
    expect((await stack.s3.listKeys(`documents/${id}/`)).length).toBeGreaterThanOrEqual(3);

    expect((await del(id)).status).toBe(204);
    expect((await fetch(`${stack.base}/api/documents/${id}`)).status).toBe(404);
    expect(await stack.s3.listKeys(`documents/${id}/`)).toEqual([]);
    expect((await del(id)).status).toBe(404);
    const deleted = verified(await receiver.waitFor("/ok/a", 2));
    expect(deleted).toMatchObject({ type: "document.deleted", data: { id, status: "deleted" } });
  });

  it("answers 204 and then 404 while S3 is down; the objects stay recorded for housekeeping to delete", async () => {
    const id = await upload(ONE_PAGE, {});
    await statusUntil(id, (s) => s.status === "succeeded", 60_000);
    await stack.s3.pause();
    let deleted: Response;
    try {
      deleted = await del(id);
    } finally {
      await stack.s3.resume();
    }
    expect(deleted.status).toBe(204);
    expect((await fetch(`${stack.base}/api/documents/${id}`)).status).toBe(404);
    expect((await stack.s3.listKeys(`documents/${id}/`)).length).toBeGreaterThanOrEqual(3);
    const client = new Client({ connectionString: databaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT prefixes, attempts FROM document_deletions WHERE document_id = $1", [id]);
      expect(rows).toEqual([{ prefixes: [`documents/${id}/`], attempts: 1 }]);
    } finally {
      await client.end();
    }
    // housekeeping's part is tested in tests/integration/document-delete.test.ts (it waits a minute for the request)
  });

  it("refuses expiresInHours above RETENTION_HOURS; without one, RETENTION_HOURS applies", async () => {
    const refused = await stack.upload(ONE_PAGE, {}, { expiresInHours: "49" });
    expect(refused.status).toBe(400);
    expect((refused.body.error as { code: string }).code).toBe("bad_expires_in");
    const id = await upload(ONE_PAGE, {});
    const s = await status(id);
    expect(Math.abs(Date.parse(s.expiresAt!) - Date.now() - 48 * 3600_000)).toBeLessThan(60_000);
    expect(s.webhook).toBeNull();
    expect((await del(id)).status).toBe(204);
  });

  it("cancels a processing document first and no object comes back after the delete, though a page was in flight", async () => {
    const id = await upload(MANY_PAGES, { callbackUrl: receiver.url("/ok/b") });
    await worker.waitForLine(pageDoneLine(id, 2), 120_000);
    expect((await del(id)).status).toBe(204);
    expect((await fetch(`${stack.base}/api/documents/${id}`)).status).toBe(404);
    expect(await stack.s3.listKeys(`documents/${id}/`)).toEqual([]);
    expect(await waitForJob(stack.prefix, id, 60_000)).toBe("completed"); // the worker stopped within a page
    await worker.waitForLine(new RegExp(`"documentId":"${id}".*"msg":"document (deleted|cancelled); stopping"`), 10_000);
    expect(await stack.s3.listKeys(`documents/${id}/`)).toEqual([]);
    const types = [(await receiver.waitFor("/ok/b", 1)).json.type, (await receiver.waitFor("/ok/b", 2)).json.type];
    expect(types.sort()).toEqual(["document.cancelled", "document.deleted"]);
  });

  it("retries after a 500 with the same webhook-id, and gives up after a 410 without retrying", async () => {
    const flaky = await upload(ONE_PAGE, { callbackUrl: receiver.url("/flaky/c") });
    const gone = await upload(ONE_PAGE, { callbackUrl: receiver.url("/gone/c") });
    const [first, second] = [await receiver.waitFor("/flaky/c", 1), await receiver.waitFor("/flaky/c", 2, 60_000)];
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect(verified(second)).toEqual(verified(first));
    expect((await statusUntil(flaky, (s) => s.webhook?.state === "delivered")).webhook).toMatchObject({ attempts: 2, lastStatus: 204 });

    const refused = await receiver.waitFor("/gone/c");
    const s = await statusUntil(gone, (x) => x.webhook?.state === "failed");
    expect(s.webhook).toMatchObject({ state: "failed", attempts: 1, lastStatus: 410 });
    expect(await webhookJobs.getJobState(refused.headers["webhook-id"])).toBe("failed");
    expect(receiver.received.filter((r) => r.path === "/gone/c")).toHaveLength(1);

    const metrics = await (await fetch(`${stack.base}/metrics`)).text();
    const count = (outcome: string) => Number(new RegExp(`pagewise_webhook_deliveries_total\\{outcome="${outcome}"\\} (\\d+)`).exec(metrics)?.[1]);
    expect(count("delivered")).toBeGreaterThanOrEqual(2);
    expect(count("retried")).toBeGreaterThanOrEqual(1);
    expect(count("failed")).toBeGreaterThanOrEqual(1);
  });

  it("a worker killed mid-delivery: another sends it again with the same webhook-id (at least once)", async () => {
    const id = await upload(ONE_PAGE, { callbackUrl: receiver.url("/hang/d") });
    const first = await receiver.waitFor("/hang/d"); // held unanswered
    await worker.stop("SIGKILL");
    worker = await stack.startWorker();
    const second = await receiver.waitFor("/hang/d", 2, 60_000);
    expect(second.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
    expect((await statusUntil(id, (s) => s.webhook?.state === "delivered")).webhook).toMatchObject({ state: "delivered", lastStatus: 200 });
    expect(receiver.received.filter((r) => r.path === "/hang/d")).toHaveLength(2);
  });
});
