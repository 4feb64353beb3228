import { workerEnvSchema } from "@pagewise/config";
import { corpusEntry } from "../support/corpus";
import type { Service } from "../support/processes";
import { pagesDoneIn, startStack, type Stack } from "../support/stack";
import { waitForJob } from "../support/services";

/**
 * Fault injection with real processes: a worker SIGKILLed mid-document, a web process killed right after its 202,
 * and a worker stopped with SIGTERM mid-document. Nothing is lost, nothing is computed twice.
 * Short lock and stall intervals make BullMQ notice a dead worker in seconds instead of a minute.
 */
const fastStalls = { WORKER_LOCK_DURATION_MS: "4000", WORKER_STALLED_INTERVAL_MS: "1000", RENDER_DPI: "72" };
const FILE = "slides-beamer-conference-talk.pdf"; // 31 pages
/** The pages in the order they were done, grouped by SPLIT_PAGES range (one group when the document is not split). */
const splitPages = workerEnvSchema.shape.SPLIT_PAGES.parse(process.env.TEST_SPLIT_PAGES) || Infinity;
const byRange = (pages: number[]) => {
  const groups = new Map<number, number[]>();
  for (const n of pages) groups.set(Math.floor((n - 1) / splitPages), [...(groups.get(Math.floor((n - 1) / splitPages)) ?? []), n]);
  return [...groups.entries()].sort(([a], [b]) => a - b).map(([, group]) => group);
};
const pageDoneLine = (id: string, page: number) => new RegExp(`"documentId":"${id}".*"page":${page},.*"msg":"page done"`);

describe("crash safety (real processes)", () => {
  let stack: Stack;
  /** The web of the first two tests; the third kills a web of its own on the same port. */
  let web: Service | undefined;
  beforeAll(async () => {
    stack = await startStack("crash", fastStalls);
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("a worker killed with SIGKILL mid-document: the next worker resumes, every page exists exactly once", async () => {
    web = await stack.startWeb();
    const first = await stack.startWorker();
    const { status, body } = await stack.upload(FILE);
    expect(status).toBe(202);
    const id = body.id as string;
    await first.waitForLine(pageDoneLine(id, 5), 120_000);
    first.child.kill("SIGKILL");
    const second = await stack.startWorker();
    expect(await waitForJob(stack.prefix, id, 180_000)).toBe("completed");

    const pages = corpusEntry(FILE).pages as number;
    const doc = await stack.get<{ status: string; pageCount: number; pagesDone: number; pages: { number: number }[] }>(`/api/documents/${id}`);
    expect(doc).toMatchObject({ status: "succeeded", pageCount: pages, pagesDone: pages });
    expect(doc.pages.map((p) => p.number)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));

    // Every page was recorded exactly once across both workers: done pages were not recomputed.
    const done = [...pagesDoneIn(first, id), ...pagesDoneIn(second, id)];
    expect([...done].sort((a, b) => a - b)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
    // and progress only moved forward within each page range (ranges of a split document run in any order).
    expect(byRange(done)).toEqual(byRange([...done].sort((a, b) => a - b)));

    // Storage holds exactly one PNG and one JSON per page (deterministic keys), plus the source.
    const keys = await stack.s3.listKeys(`documents/${id}/`);
    expect(keys.filter((k) => k.endsWith(".png"))).toHaveLength(pages);
    expect(keys.filter((k) => k.endsWith(".json"))).toHaveLength(pages);
    expect(await second.stop("SIGTERM")).toBe(0);
  }, 300_000);

  it("a worker stopped with SIGTERM mid-document exits cleanly in time and the document resumes elsewhere", async () => {
    const first = await stack.startWorker({ SHUTDOWN_TIMEOUT_SECONDS: "25" });
    const { body } = await stack.upload(FILE);
    const id = body.id as string;
    await first.waitForLine(pageDoneLine(id, 3), 120_000);
    const started = Date.now();
    expect(await first.stop("SIGTERM", 30_000)).toBe(0);
    expect(Date.now() - started).toBeLessThan(25_000);
    // Handed back between pages; a range whose pages had all started (ranges of 2 pages, say) finished instead.
    const handedBack = first.lines.some((l) => l.includes("handing the job back to the queue"));
    expect(handedBack || (pagesDoneIn(first, id).at(-1) as number) % splitPages === 0).toBe(true);
    const midway = await stack.get<{ status: string; pagesDone: number }>(`/api/documents/${id}`);
    expect(midway.status).toBe("processing"); // not failed, not lost: waiting for the next worker

    const second = await stack.startWorker();
    expect(await waitForJob(stack.prefix, id, 180_000)).toBe("completed");
    const doc = await stack.get<{ status: string; pagesDone: number }>(`/api/documents/${id}`);
    expect(doc).toMatchObject({ status: "succeeded", pagesDone: corpusEntry(FILE).pages });
    const done = [...pagesDoneIn(first, id), ...pagesDoneIn(second, id)].sort((a, b) => a - b);
    expect(done).toEqual(Array.from({ length: corpusEntry(FILE).pages as number }, (_, i) => i + 1));
    expect(Math.min(...pagesDoneIn(second, id))).toBe(midway.pagesDone + 1);
    await second.stop("SIGTERM");
  }, 300_000);

  it("a web process killed right after it answered 202 loses nothing", async () => {
    await web?.stop("SIGTERM");
    const killed = await stack.startWeb();
    const { status, body } = await stack.upload("text-1p-pdflatex.pdf");
    expect(status).toBe(202);
    killed.child.kill("SIGKILL");
    const worker = await stack.startWorker();
    expect(await waitForJob(stack.prefix, body.id as string, 120_000)).toBe("completed");
    await worker.stop("SIGTERM");
    await stack.startWeb();
    expect(await stack.get(`/api/documents/${body.id}`)).toMatchObject({ status: "succeeded", pagesDone: 1 });
  }, 180_000);
});
