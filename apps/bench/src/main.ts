#!/usr/bin/env node
/**
 * npm run bench -- --pdf FILE [--dpi 150] [--runs N] [--workers 1] [--documents 1] [--storage s3|local] [--pin-workers]
 *                   [--split [--split-pages N]] [--first-pages 3] [--cpu-prof DIR] [--sse-latency] [--json]
 * npm run bench -- --uploads-only [--uploads 200] [--storage s3|local] [--cpu-prof DIR] [--json]
 *
 * Starts the real processes (web, N workers) against the real services (PostgreSQL, Redis, an S3 server on
 * loopback), uploads the PDF over HTTP, waits for the results, and prints one JSON line of measurements. Then the
 * first page: seconds from the upload's 202 to the first page's recorded result, with a warm worker (model loaded;
 * `--first-pages` times, median) and with a cold one (started right after the 202: process start, model load,
 * first page). `--uploads-only`: the web process alone, and only the upload throughput (with the CPU it cost the web
 * process and the S3 server per upload).
 *
 * Without `--split` the workers never split a document (SPLIT_PAGES=0: one job per document, as every measurement
 * before issue 19). `--split`: one large document across the N workers in page ranges (SPLIT_PAGES=`--split-pages`,
 * default the worker's own default), on a Redis of the bench's own; it prints the split figures (every page done
 * exactly once, Redis commands per page: split-figures.ts) and skips the first-page and upload measurements.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Queue, QueueEvents } from "bullmq";
import { Client } from "pg";
import { findOnPath, startRedisServer } from "@pagewise/launcher/redis";
import { parseArgsOrUsage } from "./args";
import { connectRedis, QueueName } from "@pagewise/queue";
import { treeCpuSeconds } from "./cpu";
import { firstPageRecorded } from "./first-page";
import { uploadPdf, uploadRate } from "./http";
import { freePort } from "@pagewise/launcher/daemon";
import { repoRoot, startCommand, startNode, type Proc } from "./processes";
import { pageImageBytes } from "./page-images";
import { PeakRss } from "./rss";
import { SseLatency } from "./sse-latency";
import { redisCommands, SplitFigures } from "./split-figures";
import { dropDatabase, processEnv, startS3, storageEnv } from "./stack";
import { median, percentile, round } from "./stats";

const usage =
  "usage: npm run bench -- --pdf FILE [--dpi 150] [--runs N] [--workers 1] [--documents 1] [--storage s3|local] [--pin-workers]\n" +
  "                        [--split [--split-pages N]] [--first-pages 3] [--cpu-prof DIR] [--sse-latency] [--json]\n" +
  "       npm run bench -- --uploads-only [--uploads 200] [--storage s3|local] [--cpu-prof DIR] [--json]\n" +
  "BENCH_ROOT=DIR runs another checkout's build (web, worker, S3 server) with this bench's measurements.\n";
const { values } = parseArgsOrUsage({
  options: {
    pdf: { type: "string" },
    dpi: { type: "string", default: "150" },
    runs: { type: "string", default: "1" },
    workers: { type: "string", default: "1" },
    documents: { type: "string", default: "1" },
    "upload-pdf": { type: "string", default: path.join(process.env.CORPUS_DIR ?? path.resolve(repoRoot, "../shared/corpus"), "text-1p-pdflatex.pdf") },
    "status-gets": { type: "string", default: "200" },
    uploads: { type: "string", default: "200" },
    storage: { type: "string", default: "s3" },
    json: { type: "boolean", default: false },
    "cpu-prof": { type: "string" },
    "pin-workers": { type: "boolean", default: false },
    /** Also time each page from its commit to an SSE client (sse-latency.ts): sseP50Ms, sseP95Ms, sseMaxMs. */
    "sse-latency": { type: "boolean", default: false },
    "first-pages": { type: "string", default: "3" },
    "uploads-only": { type: "boolean", default: false },
    split: { type: "boolean", default: false },
    /** Default: the worker's own default SPLIT_PAGES (read back from its "worker started" line). */
    "split-pages": { type: "string" },
  },
}, usage);
if (!values.pdf && !values["uploads-only"]) {
  process.stderr.write(usage);
  process.exit(2);
}
const pdf = path.resolve(values.pdf ?? values["upload-pdf"]);
const runs = Number(values.runs);
const workerCount = Number(values.workers);
const documentsPerRun = Number(values.documents);
/** The workers' SPLIT_PAGES: 0 (never) without --split; with it, --split-pages or the worker's default (unset). */
const splitPagesEnv = values.split ? values["split-pages"] : "0";
/** `--cpu-prof DIR`: V8 CPU profiles of the web and worker processes (node's --cpu-prof), written there at exit. */
const profileFlags = values["cpu-prof"] ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(values["cpu-prof"])}`] : [];
const withProfile = (command: { flags: string[]; script: string }) => ({ ...command, flags: [...command.flags, ...profileFlags] });
const prefix = `pwbench-${randomBytes(4).toString("hex")}`;
/**
 * A database of its own for each invocation (created by the web process's migrations, dropped at the end), unless
 * BENCH_DATABASE_URL names one. A shared one kept every earlier invocation's documents, among them the ones uploaded
 * with the workers stopped: the next worker's first housekeeping run found them unfinished and re-queued up to 500
 * of them ahead of the benchmark's pages, which slowed the first runs (docs/benchmarks.md).
 */
const ownDatabase = !process.env.BENCH_DATABASE_URL;
const databaseUrl = process.env.BENCH_DATABASE_URL ?? `postgresql://postgres@127.0.0.1:5432/${prefix.replace(/-/g, "_")}`;

async function dropOwnDatabase(): Promise<void> {
  if (ownDatabase) await dropDatabase(databaseUrl);
}

/** `count` timed status GETs from a separate process (status-probe.ts); milliseconds. */
function probeStatus(url: string, count: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, "status-probe.js"), url, String(count)], { maxBuffer: 2 ** 24 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`status probe failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as number[]);
    });
  });
}

async function stageMedians(ids: string[]) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY render_ms) AS render,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY inference_ms) AS inference,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY annotate_ms) AS annotate,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY upload_ms) AS upload,
              count(*)::int AS pages
         FROM pages WHERE document_id = ANY($1::uuid[])`,
      [ids],
    );
    return rows[0] as { render: number; inference: number; annotate: number; upload: number; pages: number };
  } finally {
    await client.end();
  }
}

/**
 * `--uploads` one-page uploads, 8 at a time (uploadRate), with the workers stopped: uploads per second, and the CPU
 * milliseconds per upload of the web process and of the S3 server (which shares the cores: s3rver hashes and writes
 * every object), from /proc, which a shared machine's load moves far less than the rate.
 */
async function measureUploads(base: string, webPid: number, s3Pid: number) {
  const count = Number(values.uploads);
  const web0 = treeCpuSeconds([webPid]);
  const s30 = treeCpuSeconds([s3Pid]);
  const rate = await uploadRate(base, fs.existsSync(values["upload-pdf"]) ? values["upload-pdf"] : pdf, count, 8);
  const perUpload = (seconds: number) => round((seconds * 1000) / count, 2);
  return {
    uploadsPerSecond: round(rate, 1),
    webCpuMsPerUpload: perUpload(treeCpuSeconds([webPid]) - web0),
    s3CpuMsPerUpload: values.storage === "s3" ? perUpload(treeCpuSeconds([s3Pid]) - s30) : null,
  };
}

/** Resolves once no job of the bench's queue is active or waiting (a cancelled document's job has ended). */
async function queueIdle(queue: Queue, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while ((await queue.getActiveCount()) + (await queue.getWaitingCount()) > 0) {
    if (performance.now() > deadline) throw new Error(`queue still busy after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Uploads the PDF, calls `afterUpload` (a cold measurement starts its worker there), and returns the seconds from
 * the 202 to the first page's recorded result; the document is then cancelled and its job left to end.
 */
async function firstPageSeconds(base: string, queue: Queue, afterUpload: () => void = () => undefined): Promise<number> {
  const id = await uploadPdf(base, pdf);
  const t0 = performance.now();
  afterUpload();
  const t1 = await firstPageRecorded(databaseUrl, id, 600_000);
  const cancelled = await fetch(`${base}/api/documents/${id}/cancel`, { method: "POST" });
  if (!cancelled.ok && cancelled.status !== 409) throw new Error(`cancel answered ${cancelled.status}`);
  await queueIdle(queue, 600_000);
  return (t1 - t0) / 1000;
}

/** The machine's 1, 5 and 15 minute load averages as the bench ends: how shared the cores were. */
const loadAverage = () => os.loadavg().map((load) => round(load, 1));

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-bench-"));
  // --split: a Redis of its own, so that its command counters count this bench's commands only.
  const ownRedis = values.split ? await startRedisServer(findOnPath("redis-server") ?? "redis-server", path.join(work, "redis")) : undefined;
  const redisUrl = ownRedis?.url ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const s3 = await startS3(work, "pagewise-bench");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const storage = storageEnv(values.storage, work, s3.endpoint, "pagewise-bench");
  const env = processEnv({ storage, databaseUrl, redisUrl, prefix, dpi: values.dpi });
  const procs: Proc[] = [];
  // Interrupted (Ctrl-C, a CI timeout): take the web and worker processes down too, so none outlives the bench. The
  // worker's compute child exits on its own when its parent's IPC channel closes.
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      for (const proc of [...procs, s3.proc]) proc.child.kill("SIGKILL");
      process.exit(130);
    });
  // The processes' own path to Redis (QueueEvents duplicates the connection for its blocking reads).
  const redis = await connectRedis("worker", { url: redisUrl, rejectUnauthorized: true });
  const queue = new Queue(QueueName.Documents, { connection: redis, prefix });
  const events = new QueueEvents(QueueName.Documents, { connection: redis, prefix });
  try {
    const web = startNode(withProfile(startCommand("start:web")), { ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" });
    procs.push(web);
    await web.waitFor(/web listening/, 60_000);
    if (values["uploads-only"]) {
      const webRss = new PeakRss([web.child.pid as number]).start();
      const line = {
        storage: values.storage,
        uploadPdf: path.basename(values["upload-pdf"]),
        uploads: Number(values.uploads),
        ...(await measureUploads(base, web.child.pid as number, s3.proc.child.pid as number)),
        webPeakRssMb: round(webRss.stop().rss / 2 ** 20, 0),
        loadAverage: loadAverage(),
        cpus: os.cpus().length,
        node: process.version,
      };
      process.stdout.write(`${JSON.stringify(line)}\n`);
      return;
    }
    // --pin-workers: worker i (and its compute child) on CPU i only, as N worker dynos each have their own cores.
    const cpuOf = (i: number) => (values["pin-workers"] ? String(i % os.cpus().length) : undefined);
    const split = new SplitFigures();
    const startWorker = (i: number) => {
      const worker = startNode(withProfile(startCommand("start:worker")), { ...env, MIGRATE_ON_START: "false", LOG_LEVEL: "info", ...(splitPagesEnv === undefined ? {} : { SPLIT_PAGES: splitPagesEnv }) }, cpuOf(i));
      worker.onLine((line) => split.line(i, line));
      return worker;
    };
    const workers = Array.from({ length: workerCount }, (_, i) => startWorker(i));
    procs.push(...workers);
    const started = await Promise.all(workers.map((w) => w.waitFor(/worker started/, 60_000)));
    const splitPages = (JSON.parse(started[0] as string) as { splitPages?: number }).splitPages;
    await events.waitUntilReady();

    /**
     * The first page warm and cold, the status GETs with the workers idle, and the upload rate with the workers
     * stopped (not with --split, which measures one large document).
     */
    async function firstPageAndUploads(statusOf: string) {
      // The first page with the workers warm (detector loaded, pdf.js compiled): one document at a time.
      const warmFirstPage: number[] = [];
      for (let i = 0; i < Number(values["first-pages"]); i++) warmFirstPage.push(await firstPageSeconds(base, queue));

      // The same status GETs with the workers idle: what the busy workers add to the latency.
      const idleLatencies = await probeStatus(`${base}/api/documents/${statusOf}`, Number(values["status-gets"]));

      // Upload throughput with processing paused: the workers stop, the web keeps accepting.
      await Promise.all(workers.map((w) => w.stop("SIGTERM")));
      // The first page with a cold worker, as a dyno scaled from zero takes its first job: the document is accepted
      // with no worker running, and one starts right after the 202 (node, its modules, Redis and PostgreSQL, the
      // compute child and its model, then the document). `coldWorkerReadySeconds`: from its start to "worker started".
      let coldWorker: Proc | undefined;
      let coldReady: Promise<number> = Promise.resolve(Number.NaN);
      let coldStarted = 0;
      const coldFirstPage = await firstPageSeconds(base, queue, () => {
        coldStarted = performance.now();
        coldWorker = startWorker(0);
        procs.push(coldWorker);
        coldReady = coldWorker.waitFor(/worker started/, 600_000).then(() => performance.now());
      });
      const coldWorkerReadySeconds = ((await coldReady) - coldStarted) / 1000;
      await coldWorker?.stop("SIGTERM");
      const uploads = await measureUploads(base, web.child.pid as number, s3.proc.child.pid as number);
      return { warmFirstPage, idleLatencies, coldFirstPage, coldWorkerReadySeconds, uploads };
    }
    /** Every page of the documents done exactly once, by the "page done" lines, against their page counts. */
    async function splitCheck(ids: string[]) {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query<{ page_count: number }>("SELECT page_count FROM documents WHERE id = ANY($1::uuid[]) ORDER BY array_position($1::uuid[], id)", [ids]);
        return split.check(ids, rows.map((r) => r.page_count));
      } finally {
        await client.end();
      }
    }

    const webRss = new PeakRss([web.child.pid as number]).start();
    const results = [];
    for (let run = 0; run < runs; run++) {
      const workerPids = workers.map((w) => w.child.pid as number);
      const workerRss = new PeakRss(workerPids).start();
      const cpu0 = treeCpuSeconds(workerPids);
      const commands0 = await redisCommands(await queue.getBackend().client);
      const t0 = performance.now();
      const ids = await Promise.all(Array.from({ length: documentsPerRun }, () => uploadPdf(base, pdf)));
      const sse = values["sse-latency"] ? new SseLatency(databaseUrl) : undefined;
      await sse?.start();
      for (const id of ids) sse?.watch(base, id);
      const finished = Promise.all(
        ids.map(async (id) => {
          const job = await queue.getJob(id);
          await job?.waitUntilFinished(events, 3_600_000);
        }),
      );
      // Status latency while the workers are busy.
      const latencies = await probeStatus(`${base}/api/documents/${ids[0]}`, Number(values["status-gets"]));
      await finished;
      const seconds = (performance.now() - t0) / 1000;
      const redisCommandsInRun = (await redisCommands(await queue.getBackend().client)) - commands0;
      const workerCpuSeconds = treeCpuSeconds(workerPids) - cpu0;
      const stages = await stageMedians(ids);
      const sseLatencies = (await sse?.latencies()) ?? { total: [], web: [] };
      results.push({ ids, seconds, workerCpuSeconds, pages: stages.pages, stages, latencies, sseLatencies, workerPeak: workerRss.stop(), redisCommandsInRun });
    }

    const extras = values.split ? undefined : await firstPageAndUploads(results[0]?.ids[0] as string);
    const webPeak = webRss.stop();

    // The median run by throughput (the first run of a fresh worker also loads the model and warms pdf.js).
    const byRate = [...results].sort((a, b) => a.pages / a.seconds - b.pages / b.seconds);
    const best = byRate[Math.floor((byRate.length - 1) / 2)] as (typeof results)[number];
    const all = results.flatMap((r) => r.latencies);
    const sseAll = results.flatMap((r) => r.sseLatencies.total);
    const sseWeb = results.flatMap((r) => r.sseLatencies.web);
    const imageBytes = pageImageBytes(work, best.ids);
    const mb = (bytes: number) => round(bytes / 2 ** 20, 0);
    const line = {
      pdf: path.basename(pdf),
      dpi: Number(values.dpi),
      storage: values.storage,
      workers: workerCount,
      pinnedWorkers: values["pin-workers"],
      documents: documentsPerRun,
      runs,
      pages: best.pages,
      seconds: round(best.seconds, 2),
      pagesPerSecond: round(best.pages / best.seconds, 2),
      pagesPerSecondRuns: results.map((r) => round(r.pages / r.seconds, 2)),
      renderMs: round(best.stages.render),
      inferenceMs: round(best.stages.inference),
      annotateMs: round(best.stages.annotate),
      workerCpuMsPerPage: round((best.workerCpuSeconds * 1000) / best.pages),
      workerCpuMsPerPageRuns: results.map((r) => round((r.workerCpuSeconds * 1000) / r.pages)),
      pageImageKbMedian: round(median(imageBytes) / 1024),
      pageImageKbMean: round(imageBytes.reduce((a, b) => a + b, 0) / Math.max(1, imageBytes.length) / 1024),
      ...(extras
        ? {
            firstPageWarmSeconds: round(median(extras.warmFirstPage), 2),
            firstPageWarmSecondsRuns: extras.warmFirstPage.map((s) => round(s, 2)),
            firstPageColdSeconds: round(extras.coldFirstPage, 2),
            coldWorkerReadySeconds: round(extras.coldWorkerReadySeconds, 2),
          }
        : {}),
      uploadMs: round(best.stages.upload),
      workerPeakRssMb: mb(Math.max(...results.map((r) => r.workerPeak.rss))),
      workerPeakChargedMb: mb(Math.max(...results.map((r) => r.workerPeak.charged))),
      webPeakRssMb: mb(webPeak.rss),
      statusP50Ms: round(median(all), 2),
      statusP99Ms: round(percentile(all, 99), 2),
      ...(extras
        ? {
            statusIdleP50Ms: round(median(extras.idleLatencies), 2),
            statusIdleP99Ms: round(percentile(extras.idleLatencies, 99), 2),
            ...extras.uploads,
          }
        : {}),
      ...(values.split ? { split: { splitPages, ...(await splitCheck(best.ids)), redisCommandsPerPage: round(best.redisCommandsInRun / best.pages, 1) } } : {}),
      ...(values["sse-latency"]
        ? {
            ssePages: sseAll.length,
            sseP50Ms: round(median(sseAll), 1),
            sseP95Ms: round(percentile(sseAll, 95), 1),
            sseMaxMs: round(Math.max(...sseAll), 1),
            sseWebP50Ms: round(median(sseWeb), 1),
            sseWebP95Ms: round(percentile(sseWeb, 95), 1),
            sseWebMaxMs: round(Math.max(...sseWeb), 1),
          }
        : {}),
      loadAverage: loadAverage(),
      cpus: os.cpus().length,
      node: process.version,
    };
    if (!values.json) process.stderr.write(`${JSON.stringify(line, null, 2)}\n`);
    process.stdout.write(`${JSON.stringify(line)}\n`);
  } finally {
    await Promise.allSettled(procs.map((p) => p.stop("SIGTERM")));
    await events.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    redis.disconnect();
    await s3.proc.stop("SIGTERM");
    await ownRedis?.stop();
    fs.rmSync(work, { recursive: true, force: true });
    await dropOwnDatabase().catch((error: Error) => process.stderr.write(`could not drop ${databaseUrl}: ${error.message}\n`));
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench failed: ${error.message}\n`);
  process.exit(1);
});
