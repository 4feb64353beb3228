import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { ensureDatabase, migrate } from "@pagewise/db";
import type { Service } from "../support/processes";
import { databaseUrl, waitForJob } from "../support/services";
import { startStack, type Stack } from "../support/stack";

type Queue = { ahead?: number; estimatedStartAt?: string | null; estimatedFinishAt: string | null; pagesPerSecond: number | null };
type Doc = { id: string; status: string; pageCount: number | null; pagesDone: number; queue?: Queue };

/**
 * Queue position and estimates over HTTP, on a database of its own (so "ahead" counts only this test's documents),
 * with the compiled web and worker, Redis and s3rver. A worker processes one document first (the recent
 * throughput the estimates use), then stops; documents uploaded then wait in the queue.
 */
describe("queue position and estimates in the status answer (real processes)", () => {
  const name = `pagewise_queue_${randomBytes(4).toString("hex")}`;
  const url = new URL(databaseUrl());
  url.pathname = `/${name}`;
  let stack: Stack;
  let worker: Service;

  beforeAll(async () => {
    await ensureDatabase(url.toString());
    await migrate(url.toString());
    stack = await startStack("queue", { DATABASE_URL: url.toString() });
    [, worker] = await Promise.all([stack.startWeb(), stack.startWorker()]);
    // 31 pages: a span of pages long enough (a second at least) to give a throughput, however fast the worker is. Seven
    // small pages over two documents were once enough, until one warm worker did them in under a second.
    for (const file of ["slides-beamer-conference-talk.pdf"]) {
      const { body } = await stack.upload(file);
      expect(await waitForJob(stack.prefix, body.id as string, 120_000)).toBe("completed");
    }
    expect(await worker.stop("SIGTERM", 30_000)).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
    const admin = new URL(databaseUrl());
    admin.pathname = "/postgres";
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });

  const status = async (id: string) => {
    const res = await fetch(`${stack.base}/api/documents/${id}`);
    expect(res.status).toBe(200);
    return { doc: (await res.json()) as Doc, etag: res.headers.get("etag") };
  };

  it("says how many documents are ahead of a queued one and when it should start and finish; the answer moves when one ahead leaves", async () => {
    const ids: string[] = [];
    for (const file of ["multicolumn-latex.pdf", "text-1p-pdflatex.pdf", "multicolumn-latex.pdf"]) ids.push((await stack.upload(file)).body.id as string);

    const before = await Promise.all(ids.map(status));
    expect(before.map(({ doc }) => [doc.status, doc.queue?.ahead])).toEqual([
      ["queued", 0],
      ["queued", 1],
      ["queued", 2],
    ]);
    const rate = before[0]!.doc.queue!.pagesPerSecond!;
    expect(rate).toBeGreaterThan(0);
    const starts = before.map(({ doc }) => Date.parse(doc.queue!.estimatedStartAt!));
    const finishes = before.map(({ doc }) => Date.parse(doc.queue!.estimatedFinishAt!));
    // Estimates are whole seconds (an answer stays the same, and cacheable, for a second); a fast worker can put two
    // documents' starts in the same second, so the order is checked as "never earlier", not "later".
    expect(starts[1]).toBeGreaterThanOrEqual(starts[0]!);
    expect(starts[2]).toBeGreaterThanOrEqual(starts[1]!);
    for (const [i, start] of starts.entries()) expect(finishes[i]).toBeGreaterThanOrEqual(start);
    expect(finishes[2]).toBeGreaterThanOrEqual(finishes[0]!);

    // Not a change of its own row: the first document leaves the queue. The third's answer says so at once.
    expect((await stack.post(`/api/documents/${ids[0]}/cancel`)).status).toBe(200);
    const after = await status(ids[2]!);
    expect(after.doc.queue?.ahead).toBe(1);
    expect(after.etag).not.toBe(before[2]!.etag);
    expect((await status(ids[0]!)).doc.queue).toBeUndefined(); // cancelled: no estimate

    // A worker takes the second: processing, with an estimated finish and no position; the third has it ahead.
    // The long-poll is asked before the worker starts, so it sees the claim however fast the page then is (a warm
    // worker does this one-page document in a fraction of a second).
    const claimed = fetch(`${stack.base}/api/documents/${ids[1]}?wait=60&since=queued:0`).then(async (res) => (await res.json()) as Doc);
    worker = await stack.startWorker();
    const second = await claimed;
    // The long-poll answers at the claim (PostgreSQL's notification), well before its page is done.
    expect(second.status).toBe("processing");
    expect(second.queue).toEqual({ estimatedFinishAt: expect.any(String), pagesPerSecond: expect.any(Number) });
    expect(Date.parse(second.queue!.estimatedFinishAt!)).toBeGreaterThan(Date.now() - 60_000);
    for (const id of ids.slice(1)) expect(await waitForJob(stack.prefix, id, 120_000)).toBe("completed");
    for (const id of ids.slice(1)) expect((await status(id)).doc).toMatchObject({ status: "succeeded" });
    expect((await status(ids[2]!)).doc.queue).toBeUndefined();
  }, 240_000);
});
