import { Queue } from "bullmq";
import { documentSchema } from "@pagewise/web/api-schemas";
import { QueueName } from "@pagewise/queue";
import type { Service } from "../support/processes";
import { pagesDoneIn, startStack, type Stack } from "../support/stack";
import { testConnection, waitForJob } from "../support/services";

/**
 * Split documents (docs/splitting.md) with real processes: a 31-page document in ranges of 4 pages, taken by two
 * workers at once. Short lock and stall intervals make BullMQ notice a dead worker in seconds.
 */
const FILE = "slides-beamer-conference-talk.pdf"; // 31 pages
const PAGES = 31;
const LONG_FILE = "text-117p-geotopo.pdf";
const LONG_PAGES = 117;
const SPLIT = 4;
const all = Array.from({ length: PAGES }, (_, i) => i + 1);
const rangeOf = (page: number) => Math.floor((page - 1) / SPLIT);
const sorted = (pages: number[]) => [...pages].sort((a, b) => a - b);
const pageDoneLine = (id: string, pages: string) => new RegExp(`"documentId":"${id}".*"page":(${pages}),.*"msg":"page done"`);
/** A page that is neither the first nor the last of its range: the worker that logged it is mid-range. */
const midRange = Array.from({ length: PAGES }, (_, i) => i + 1).filter((n) => n % SPLIT === 2 && n < 29).join("|");

describe("split documents: page ranges across workers (real processes)", () => {
  let stack: Stack;
  let inspect: Queue;
  const workers: Service[] = [];
  const startWorker = async (env: NodeJS.ProcessEnv = {}) => {
    const worker = await stack.startWorker(env);
    workers.push(worker);
    return worker;
  };
  /** The document's jobs (its own and its ranges') still in Redis, by state. */
  const jobsOf = async (id: string) => {
    const jobs = await inspect.getJobs(["waiting", "active", "delayed", "prioritized", "waiting-children", "failed", "completed"]);
    return Promise.all(jobs.filter((j) => j?.id === id || j?.id?.startsWith(`${id}-pages-`)).map(async (j) => `${j.id}:${await j.getState()}`));
  };

  beforeAll(async () => {
    stack = await startStack("split", { SPLIT_PAGES: String(SPLIT), RENDER_DPI: "72", WORKER_LOCK_DURATION_MS: "4000", WORKER_STALLED_INTERVAL_MS: "1000" });
    inspect = new Queue(QueueName.Documents, { connection: testConnection(), prefix: stack.prefix });
    await stack.startWeb();
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop("SIGKILL")));
  });
  afterAll(async () => {
    await inspect.close();
    await stack.stop();
  });

  it("two workers take ranges of the same document; pages finish out of order and every answer counts them right", async () => {
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    const { body } = await stack.upload(FILE);
    const id = body.id as string;
    // Long-poll every change: pagesDone is always the number of pages in the answer, whatever their order.
    let state = "queued:0";
    let sawGap = false;
    while (!state.startsWith("succeeded")) {
      const doc = documentSchema.parse(await stack.get(`/api/documents/${id}?wait=30&since=${state}`));
      const numbers = doc.pages.map((p) => p.number);
      expect(doc.pagesDone).toBe(numbers.length);
      expect(numbers).toEqual(sorted([...new Set(numbers)]));
      if (numbers.some((n, i) => n !== i + 1)) sawGap = true;
      if (doc.status === "failed") throw new Error(JSON.stringify(doc.error));
      state = `${doc.status}:${doc.pagesDone}`;
    }
    expect(sawGap).toBe(true); // a later range recorded pages while an earlier one was still running
    const doc = documentSchema.parse(await stack.get(`/api/documents/${id}`));
    expect(doc).toMatchObject({ status: "succeeded", pageCount: PAGES, pagesDone: PAGES });
    expect(doc.pages.map((p) => p.number)).toEqual(all);

    const [byA, byB] = [pagesDoneIn(a, id), pagesDoneIn(b, id)];
    expect(byA.length).toBeGreaterThan(0);
    expect(byB.length).toBeGreaterThan(0);
    expect(sorted([...byA, ...byB])).toEqual(all); // every page exactly once, across both workers
    const keys = await stack.s3.listKeys(`documents/${id}/`);
    expect(keys.filter((k) => k.endsWith(".png"))).toHaveLength(PAGES);
    expect(keys.filter((k) => k.endsWith(".json"))).toHaveLength(PAGES);
    expect(await waitForJob(stack.prefix, id, 30_000)).toBe("completed");
    expect(await jobsOf(id)).toEqual([`${id}:completed`]); // completed ranges are removed; their pages are in PostgreSQL
  }, 240_000);

  it("a worker SIGKILLed mid-range: that range resumes after its last recorded page, the others go on, every page once", async () => {
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    const { body } = await stack.upload(FILE);
    const id = body.id as string;
    await a.waitForLine(pageDoneLine(id, midRange), 120_000);
    a.child.kill("SIGKILL");
    expect(await waitForJob(stack.prefix, id, 180_000)).toBe("completed");
    expect(await stack.get(`/api/documents/${id}`)).toMatchObject({ status: "succeeded", pagesDone: PAGES });

    const [byA, byB] = [pagesDoneIn(a, id), pagesDoneIn(b, id)];
    expect(sorted([...byA, ...byB])).toEqual(all);
    // The killed range: the surviving worker took it over after the last page the dead one recorded.
    const killed = rangeOf(byA.find((n) => n % SPLIT === 2) as number);
    expect(byA.filter((n) => rangeOf(n) === killed).length).toBeLessThan(SPLIT); // it was killed mid-range
    const resumed = byB.filter((n) => rangeOf(n) === killed);
    expect(resumed[0]).toBe(Math.max(...byA.filter((n) => rangeOf(n) === killed)) + 1);
  }, 300_000);

  it("cancel reaches every running range within a page; retry re-runs only the ranges not done", async () => {
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    const { body } = await stack.upload(FILE);
    const id = body.id as string;
    await Promise.all([a.waitForLine(pageDoneLine(id, "\\d+"), 120_000), b.waitForLine(pageDoneLine(id, "\\d+"), 120_000)]);
    expect((await stack.post(`/api/documents/${id}/cancel`)).status).toBe(200);
    const atCancel = [pagesDoneIn(a, id).length, pagesDoneIn(b, id).length];
    expect(await waitForJob(stack.prefix, id, 60_000)).toBe("completed");
    // Each worker finished at most the pages it had started when the cancel was committed (the one being stored and
    // two in flight), and stopped there, unless those were the last of its range (the ranges not started were
    // removed with the cancel).
    [a, b].forEach((worker, i) => {
      const done = pagesDoneIn(worker, id);
      expect(done.length - (atCancel[i] as number)).toBeLessThanOrEqual(3);
      const last = done.at(-1) as number;
      expect(worker.lines.some((l) => l.includes("document cancelled; stopping")) || last % SPLIT === 0 || last === PAGES).toBe(true);
    });
    const cancelled = documentSchema.parse(await stack.get(`/api/documents/${id}`));
    expect(cancelled.status).toBe("cancelled");
    const before = cancelled.pages.map((p) => p.number);
    expect(before.length).toBeLessThan(PAGES);

    const linesBefore = [a.lines.length, b.lines.length];
    expect((await stack.post(`/api/documents/${id}/retry`)).status).toBe(202);
    expect(await waitForJob(stack.prefix, id, 180_000)).toBe("completed");
    expect(await stack.get(`/api/documents/${id}`)).toMatchObject({ status: "succeeded", pagesDone: PAGES });
    expect(sorted([...pagesDoneIn(a, id), ...pagesDoneIn(b, id)])).toEqual(all); // nothing done twice
    // Only the ranges with pages missing were added again.
    const pendingRanges = new Set(all.filter((n) => !before.includes(n)).map(rangeOf)).size;
    const split = [...a.lines.slice(linesBefore[0]), ...b.lines.slice(linesBefore[1])]
      .map((l) => JSON.parse(l) as { msg?: string; documentId?: string; pending?: number })
      .filter((l) => l.msg === "document split into page ranges" && l.documentId === id);
    expect(split.map((l) => l.pending)).toEqual([pendingRanges]);
  }, 300_000);

  it("DELETE of a split document mid-run: its jobs end or go, and no object is left behind", async () => {
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    const { body } = await stack.upload(FILE);
    const id = body.id as string;
    await Promise.all([a.waitForLine(pageDoneLine(id, "\\d+"), 120_000), b.waitForLine(pageDoneLine(id, "\\d+"), 120_000)]);
    const res = await fetch(`${stack.base}/api/documents/${id}`, { method: "DELETE" });
    expect(res.status).toBe(204);
    if (await inspect.getJob(id)) expect(await waitForJob(stack.prefix, id, 60_000)).toBe("completed");
    expect((await jobsOf(id)).filter((j) => !j.endsWith(":completed"))).toEqual([]);
    expect(await stack.s3.listKeys(`documents/${id}/`)).toEqual([]);
    expect((await fetch(`${stack.base}/api/documents/${id}`)).status).toBe(404);
  }, 180_000);

  it("the time limit applies to the document, not to each range: a range fails it `timeout`", async () => {
    // 117 pages at 150 dpi take one worker far more than 5 s (it would need over 20 pages/s); a range of 4 pages
    // takes about one (a limit per range would pass). The 31-page slides were once enough, until the worker got faster.
    await startWorker({ DOCUMENT_TIMEOUT_SECONDS: "5", RENDER_DPI: "150" });
    const { body } = await stack.upload(LONG_FILE);
    const id = body.id as string;
    expect(await waitForJob(stack.prefix, id, 120_000)).toBe("failed"); // the parent fails with its range
    const doc = documentSchema.parse(await stack.get(`/api/documents/${id}`));
    expect(doc).toMatchObject({ status: "failed", error: { code: "timeout" } });
    expect(doc.pagesDone).toBeLessThan(LONG_PAGES);
    // It was a range that ran out of time (not the document's own job before it split).
    const lines = workers.flatMap((w) => w.lines);
    const timedOut = lines.filter((l) => l.includes('"code":"timeout"') && l.includes('"range":'));
    expect({ timedOut: timedOut.length > 0, log: timedOut.length > 0 ? [] : lines.filter((l) => l.includes(id)).slice(-8) }).toEqual({ timedOut: true, log: [] });
  }, 180_000);

  it("a range whose worker dies too often fails the document `stalled`; the other ranges stop", async () => {
    const a = await startWorker({ WORKER_MAX_STALLED_COUNT: "0" });
    const { body } = await stack.upload(FILE);
    const id = body.id as string;
    await a.waitForLine(pageDoneLine(id, midRange), 120_000);
    a.child.kill("SIGKILL");
    await startWorker({ WORKER_MAX_STALLED_COUNT: "0" });
    expect(await waitForJob(stack.prefix, id, 120_000)).toBe("failed");
    // BullMQ fails the stalled range and its parent in Redis; the worker that noticed marks the row just after.
    const doc = documentSchema.parse(await stack.settled(id, 30_000));
    expect(doc).toMatchObject({ status: "failed", error: { code: "stalled" } });
    expect(doc.pagesDone).toBeLessThan(PAGES); // the ranges after it were not processed
  }, 180_000);
});
