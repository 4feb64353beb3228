import { startService } from "../support/processes";
import { startRedisCluster, type RedisCluster } from "../support/redis-cluster";
import { pagesDoneIn, startStack, type Stack } from "../support/stack";

interface Doc {
  id: string;
  status: string;
  pageCount: number | null;
  pagesDone: number;
  pages: Array<{ number: number }>;
}

const FINAL = ["succeeded", "failed", "cancelled"];

/**
 * Web and worker as real processes on a three-node Redis Cluster (redis-server on loopback, started here): upload,
 * processing, status, metrics and cancel. REDIS_URL points where nothing listens, so any part that went around the
 * one path to the cluster (connectRedis) would fail. SPLIT_PAGES is small, so the uploads below are split into page
 * ranges: BullMQ flows, whose parent and children must share the hash-tagged prefix's slot.
 */
describe("web and worker on a Redis Cluster (real processes)", () => {
  let cluster: RedisCluster;
  let stack: Stack;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    stack = await startStack("cluster", { ...cluster.env, REDIS_URL: "redis://127.0.0.1:1", SPLIT_PAGES: "2", RENDER_DPI: "72" });
    await stack.startWeb();
  }, 90_000);
  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });

  /** Long-polls the status until `done` holds or the deadline passes (the API's own wait, no sleeps). */
  async function statusUntil(id: string, done: (doc: Doc) => boolean, timeoutMs: number): Promise<Doc> {
    const deadline = Date.now() + timeoutMs;
    let doc = await stack.get<Doc>(`/api/documents/${id}`);
    while (!done(doc)) {
      if (Date.now() > deadline) throw new Error(`document ${id} still ${doc.status} (${doc.pagesDone} pages) after ${timeoutMs} ms`);
      doc = await stack.get<Doc>(`/api/documents/${id}?wait=20&since=${doc.status}:${doc.pagesDone}`);
    }
    return doc;
  }

  it("refuses to start the web process with a prefix that has no hash tag", async () => {
    const web = startService("apps/web/dist/main.js", { ...stack.env, QUEUE_PREFIX: "pagewise", PORT: "0", HOST: "127.0.0.1" });
    const line = await web.waitForLine(/QUEUE_PREFIX/, 30_000);
    expect(line).toMatch(/hash tag.*QUEUE_PREFIX=\{pagewise\}/);
    const code = web.child.exitCode ?? (await new Promise((resolve) => web.child.once("exit", resolve)));
    expect(code).toBe(1);
  });

  it("processes an upload page by page and serves its status and the backlog on /metrics", async () => {
    const worker = await stack.startWorker();
    const { status, body } = await stack.upload("rotated-arabic-4p.pdf");
    expect(status).toBe(202);
    const id = body.id as string;
    const doc = await statusUntil(id, (d) => FINAL.includes(d.status), 120_000);
    expect(doc).toMatchObject({ status: "succeeded", pageCount: 4, pagesDone: 4 });
    expect(doc.pages.map((p) => p.number)).toEqual([1, 2, 3, 4]);
    expect([...pagesDoneIn(worker, id)].sort()).toEqual([1, 2, 3, 4]);
    // Split in two ranges (SPLIT_PAGES=2): a BullMQ flow, parent and children in the prefix's one slot.
    expect(worker.lines.some((l) => l.includes(id) && l.includes('"ranges":2') && l.includes("document split into page ranges"))).toBe(true);

    const metrics = await (await fetch(`${stack.base}/metrics`)).text();
    expect(metrics).toMatch(/^pagewise_queue_backlog_jobs 0$/m);
    expect(metrics).toMatch(/^pagewise_pages_processed_total [4-9]/m); // the worker's page timings, through the cluster
    expect(metrics).toMatch(/^pagewise_worker_rss_bytes\{worker="[^"]+"\} \d+/m);
    await worker.stop("SIGTERM");
  }, 180_000);

  it("cancels a queued document at once and a processing one within a page", async () => {
    const queued = (await stack.upload("text-1p-pdflatex.pdf")).body.id as string; // no worker running
    expect((await stack.post(`/api/documents/${queued}/cancel`)).body).toMatchObject({ status: "cancelled", pagesDone: 0 });

    const worker = await stack.startWorker();
    const id = (await stack.upload("slides-beamer-conference-talk.pdf")).body.id as string; // 31 pages
    await statusUntil(id, (d) => d.pagesDone >= 2 || FINAL.includes(d.status), 120_000);
    expect((await stack.post(`/api/documents/${id}/cancel`)).status).toBe(200);
    // The document's own job ends (split or not: with ranges, once every range has seen the cancel and stopped).
    await worker.waitForLine(new RegExp(`"jobId":"${id}".*"msg":"job finished"`), 30_000);
    const doc = await stack.get<Doc>(`/api/documents/${id}`);
    expect(doc.status).toBe("cancelled");
    expect(doc.pagesDone).toBeGreaterThanOrEqual(2);
    expect(doc.pagesDone).toBeLessThan(31);
    expect(doc.pages).toHaveLength(doc.pagesDone);
    await worker.stop("SIGTERM");
  }, 180_000);
});
