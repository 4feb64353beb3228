import { Queue } from "bullmq";
import { QueueName } from "@pagewise/queue";
import type { Service } from "../support/processes";
import { pagesDoneIn, startStack, type Stack } from "../support/stack";
import { waitForJob, testConnection } from "../support/services";

const FILE = "slides-beamer-conference-talk.pdf"; // 31 pages
const pageDoneLine = (id: string, page: number) => new RegExp(`"documentId":"${id}".*"page":${page},.*"msg":"page done"`);

describe("cancel and retry across processes (real processes)", () => {
  let stack: Stack;
  let inspect: Queue;
  const workers: Service[] = [];
  const startWorker = async () => {
    const w = await stack.startWorker();
    workers.push(w);
    return w;
  };

  beforeAll(async () => {
    stack = await startStack("cancel", { RENDER_DPI: "72" });
    inspect = new Queue(QueueName.Documents, { connection: testConnection(), prefix: stack.prefix });
    await stack.startWeb();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop("SIGTERM")));
  });
  afterAll(async () => {
    await inspect.close();
    await stack.stop();
  });

  it("cancels a queued document at once and removes its job; cancelling twice is harmless", async () => {
    const { body } = await stack.upload("text-1p-pdflatex.pdf"); // no worker is running
    const id = body.id as string;
    expect(await inspect.getJob(id)).toBeDefined();
    const cancel = await stack.post(`/api/documents/${id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ id, status: "cancelled", pagesDone: 0 });
    expect(await inspect.getJob(id)).toBeUndefined();
    expect((await stack.post(`/api/documents/${id}/cancel`)).body).toMatchObject({ status: "cancelled" });
  });

  it("cancels a processing document within one page on the worker that holds it, keeping the pages done", async () => {
    const worker = await startWorker();
    const { body } = await stack.upload(FILE);
    const id = body.id as string;
    await worker.waitForLine(pageDoneLine(id, 2), 60_000);
    const cancel = await stack.post(`/api/documents/${id}/cancel`);
    expect(cancel.status).toBe(200);
    expect(await waitForJob(stack.prefix, id, 60_000)).toBe("completed");
    await worker.waitForLine(/document cancelled; stopping/, 10_000);

    const doc = await stack.get<{ status: string; pagesDone: number; pages: unknown[] }>(`/api/documents/${id}`);
    expect(doc.status).toBe("cancelled");
    expect(doc.pagesDone).toBeGreaterThanOrEqual(2);
    // Counted from the cancel's own answer, not from page 2's log line (pages go on while the cancel is on its way):
    // only the two pages in flight when it committed may still finish; no page starts after it.
    expect(doc.pagesDone).toBeLessThanOrEqual((cancel.body.pagesDone as number) + 2);
    expect(doc.pages).toHaveLength(doc.pagesDone);

    // Retry resumes after the pages already done.
    const retry = await stack.post(`/api/documents/${id}/retry`);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ status: "queued", error: null });
    expect(await waitForJob(stack.prefix, id, 120_000)).toBe("completed");
    expect(await stack.get(`/api/documents/${id}`)).toMatchObject({ status: "succeeded", pagesDone: 31 });
    const done = pagesDoneIn(worker, id);
    expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
  }, 180_000);

  it("refuses to cancel a finished document (409) and to retry a succeeded one (409)", async () => {
    await startWorker();
    const { body } = await stack.upload("text-1p-pdflatex.pdf");
    const id = body.id as string;
    expect(await waitForJob(stack.prefix, id, 60_000)).toBe("completed");
    const cancel = await stack.post(`/api/documents/${id}/cancel`);
    expect(cancel).toEqual({ status: 409, body: { error: { code: "not_cancellable", message: expect.any(String) } } });
    expect((await stack.post(`/api/documents/${id}/retry`)).status).toBe(409);
    expect((await stack.post(`/api/documents/00000000-0000-4000-8000-000000000000/cancel`)).status).toBe(404);
  }, 90_000);
});
