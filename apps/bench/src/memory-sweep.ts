#!/usr/bin/env node
/**
 * npm run bench:memory -- DIR [--cgroup-mb 512] [--deadline 600] [--page-deadline 5] [--dpi 150] [--storage s3|local]
 *                            [--out FILE] [--shard I/N] [--json] [--worker-log FILE]
 *
 * Runs every PDF in DIR, one at a time, through the real processes (web + one worker + an S3 server on loopback,
 * as `npm run bench` does) and reports per file: pages, outcome (status and error code), pages degraded or
 * skipped, seconds, the worker's peak memory (worker + compute child: summed RSS and the charged estimate, sampled
 * every 100 ms) and, with --cgroup-mb, the memory the kernel charged to a cgroup of that size holding the worker,
 * and its OOM kills. One line per file on stderr (and in --out, JSON lines: a sweep can be resumed or sharded),
 * then one JSON summary on stdout.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { Client } from "pg";
import { parseArgsOrUsage } from "./args";
import { createMemoryCgroup, type MemoryCgroup } from "./cgroup";
import { freePort } from "@pagewise/launcher/daemon";
import { startCommand, startNode, type Proc } from "./processes";
import { PeakRss } from "./rss";
import { dropDatabase, processEnv, startS3, storageEnv } from "./stack";
import { round } from "./stats";
import { summarize, type SweepRecord } from "./sweep-summary";

const usage = "usage: npm run bench:memory -- DIR [--cgroup-mb 512] [--deadline 600] [--page-deadline 5] [--dpi 150] [--storage s3|local] [--out FILE] [--shard I/N] [--worker-log FILE]\n";
const { values, positionals } = parseArgsOrUsage({
  allowPositionals: true,
  options: {
    "cgroup-mb": { type: "string" },
    deadline: { type: "string", default: "600" },
    "page-deadline": { type: "string", default: "5" },
    dpi: { type: "string", default: "150" },
    storage: { type: "string", default: "s3" },
    out: { type: "string" },
    shard: { type: "string", default: "1/1" },
    json: { type: "boolean", default: false },
    "worker-log": { type: "string" },
  },
}, usage);
const dir = positionals[0];
if (!dir || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
  process.stderr.write(usage);
  process.exit(2);
}
const [shardIndex, shardCount] = (values.shard as string).split("/").map(Number) as [number, number];
/** A file's deadline: --deadline seconds, or --page-deadline seconds a page once the page count is known, whichever is longer. */
const deadlineMs = Number(values.deadline) * 1000;
const pageDeadlineMs = Number(values["page-deadline"]) * 1000;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `pwsweep-${randomBytes(4).toString("hex")}`;
const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${prefix.replace(/-/g, "_")}`;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** The PDFs of DIR (by name, any case of .pdf), this shard's share, less those already in --out. */
function filesToSweep(): string[] {
  const all = fs
    .readdirSync(dir as string)
    .filter((f) => /\.pdf$/i.test(f) && fs.statSync(path.join(dir as string, f)).isFile())
    .sort();
  const mine = all.filter((_, i) => i % shardCount === shardIndex - 1);
  if (!values.out || !fs.existsSync(values.out)) return mine;
  const done = new Set(
    fs
      .readFileSync(values.out, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as SweepRecord).file),
  );
  return mine.filter((f) => !done.has(f));
}

interface DocumentAnswer {
  id: string;
  status: string;
  pageCount: number | null;
  pagesDone: number;
  error: { code: string; message: string } | null;
  pages?: Array<{ number: number; degraded?: unknown; skipped?: unknown }>;
}

async function upload(base: string, file: string): Promise<{ id?: string; rejected?: string }> {
  const form = new FormData();
  form.append("file", new Blob([fs.readFileSync(file)], { type: "application/pdf" }), path.basename(file));
  const res = await fetch(`${base}/api/documents`, { method: "POST", body: form });
  const body = (await res.json()) as DocumentAnswer & { error?: { code: string } };
  if (res.status === 202) return { id: body.id };
  return { rejected: `${res.status} ${body.error?.code ?? "?"}` };
}

/** Long-polls the document until it is finished or its deadline (from `start`, performance.now()) passes. */
async function waitFinished(base: string, id: string, start: number): Promise<DocumentAnswer> {
  let since = "";
  let until = start + deadlineMs;
  for (;;) {
    const wait = Math.max(0, Math.min(30, Math.floor((until - performance.now()) / 1000)));
    const res = await fetch(`${base}/api/documents/${id}?wait=${wait}${since ? `&since=${since}` : ""}`);
    const doc = (await res.json()) as DocumentAnswer;
    until = Math.max(until, start + (doc.pageCount ?? 0) * pageDeadlineMs);
    if (["succeeded", "failed", "cancelled"].includes(doc.status) || performance.now() >= until) return doc;
    since = `${doc.status}:${doc.pagesDone}`;
  }
}

/** The slowest page (render + inference + annotate) of a document, from the worker's page rows. */
async function slowestPage(id: string): Promise<{ number: number; ms: number } | undefined> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT number, render_ms + inference_ms + annotate_ms AS ms FROM pages WHERE document_id = $1::uuid ORDER BY ms DESC NULLS LAST LIMIT 1`,
      [id],
    );
    const row = rows[0] as { number: number; ms: number } | undefined;
    return row ? { number: row.number, ms: Math.round(Number(row.ms)) } : undefined;
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const files = filesToSweep();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-sweep-"));
  const s3 = await startS3(work, "pagewise-sweep");
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const storage = storageEnv(values.storage as string, work, s3.endpoint, "pagewise-sweep");
  const env = processEnv({ storage, databaseUrl, redisUrl, prefix, dpi: values.dpi as string });
  const limitMb = values["cgroup-mb"] ? Number(values["cgroup-mb"]) : undefined;
  let cgroup: MemoryCgroup | undefined;
  const procs: Proc[] = [];
  let worker: Proc | undefined;
  const startWorker = async () => {
    worker = startNode(startCommand("start:worker"), { ...env, MIGRATE_ON_START: "false", LOG_LEVEL: "info" }, undefined, cgroup?.procsFile);
    procs.push(worker);
    const logFile = values["worker-log"];
    if (logFile) for (const stream of [worker.child.stdout, worker.child.stderr]) stream?.on("data", (chunk: Buffer) => fs.appendFileSync(logFile, chunk));
    await worker.waitFor(/worker started/, 120_000);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      for (const proc of [...procs, s3.proc]) proc.child.kill("SIGKILL");
      process.exit(130);
    });
  const records: SweepRecord[] = [];
  try {
    if (limitMb) cgroup = createMemoryCgroup(prefix, limitMb * 2 ** 20);
    const web = startNode(startCommand("start:web"), { ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "info" });
    procs.push(web);
    await web.waitFor(/web listening/, 60_000);
    await startWorker();
    log(`sweeping ${files.length} PDFs of ${dir}${limitMb ? ` in a ${limitMb} MB memory cgroup (v${cgroup?.version})` : ""}`);
    for (const file of files) {
      const record = await sweepOne(file);
      records.push(record);
      if (values.out) fs.appendFileSync(values.out, `${JSON.stringify(record)}\n`);
      log(
        `${record.file}: ${record.outcome} pages=${record.pages ?? "-"} done=${record.pagesDone} degraded=${record.degraded} skipped=${record.skipped} ` +
          `${record.seconds} s rss=${record.workerPeakRssMb} MB charged=${record.workerPeakChargedMb} MB` +
          (cgroup ? ` cgroup=${record.cgroupPeakMb} MB oom=${record.oomKills}` : "") +
          (record.slowestPage ? ` slowest=p${record.slowestPage.number} ${record.slowestPage.ms} ms` : ""),
      );
    }
  } finally {
    await Promise.allSettled(procs.map((p) => p.stop("SIGTERM")));
    await s3.proc.stop("SIGTERM");
    fs.rmSync(work, { recursive: true, force: true });
    await dropDatabase(databaseUrl).catch((error: Error) => log(`could not drop ${databaseUrl}: ${error.message}`));
    try {
      cgroup?.remove();
    } catch (error) {
      log(`could not remove cgroup ${cgroup?.dir}: ${(error as Error).message}`);
    }
  }
  const all = values.out && fs.existsSync(values.out) ? fs.readFileSync(values.out, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as SweepRecord) : records;
  const summary = { dir: path.resolve(dir as string), dpi: Number(values.dpi), cgroupMb: limitMb ?? null, ...summarize(all), node: process.version, cpus: os.cpus().length };
  process.stdout.write(`${JSON.stringify(summary, null, values.json ? 0 : 2)}\n`);

  async function sweepOne(file: string): Promise<SweepRecord> {
    const current = worker as Proc;
    const rss = new PeakRss([current.child.pid as number]).start();
    const oomBefore = cgroup?.oomKills() ?? 0;
    cgroup?.resetPeak();
    const sampler = cgroup ? setInterval(() => cgroup?.peakBytes(), 100) : undefined;
    const t0 = performance.now();
    const mb = (bytes: number) => round(bytes / 2 ** 20, 0);
    let doc: DocumentAnswer | undefined;
    let outcome: string;
    let stoppedByUs = false;
    try {
      const uploaded = await upload(base, path.join(dir as string, file));
      if (uploaded.id) {
        doc = await waitFinished(base, uploaded.id, t0);
        outcome = doc.status === "failed" ? `failed:${doc.error?.code ?? "?"}` : doc.status;
        if (!["succeeded", "failed", "cancelled"].includes(doc.status)) {
          outcome = `deadline:${doc.status}`;
          // Past the deadline: cancel it, and start a fresh worker so the next file does not wait behind it.
          await fetch(`${base}/api/documents/${uploaded.id}/cancel`, { method: "POST" }).catch(() => undefined);
          stoppedByUs = true;
          await current.stop("SIGKILL");
          await startWorker();
        }
      } else {
        outcome = `rejected:${uploaded.rejected}`;
      }
    } catch (error) {
      outcome = `error:${(error as Error).message.slice(0, 80)}`;
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    const peak = rss.stop();
    if (!stoppedByUs && (current.child.exitCode !== null || current.child.signalCode !== null)) {
      outcome += " (worker died)";
      if (worker === current) await startWorker();
    }
    const pages = doc?.pages ?? [];
    return {
      file,
      bytes: fs.statSync(path.join(dir as string, file)).size,
      outcome,
      pages: doc?.pageCount ?? null,
      pagesDone: doc?.pagesDone ?? 0,
      degraded: pages.filter((p) => p.degraded).length,
      skipped: pages.filter((p) => p.skipped).length,
      seconds: round(seconds, 1),
      workerPeakRssMb: mb(peak.rss),
      workerPeakChargedMb: mb(peak.charged),
      cgroupPeakMb: cgroup ? mb(cgroup.peakBytes()) : null,
      oomKills: cgroup ? cgroup.oomKills() - oomBefore : null,
      slowestPage: doc ? await slowestPage(doc.id).catch(() => undefined) : undefined,
    };
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench:memory failed: ${error.stack ?? error.message}\n`);
  process.exit(1);
});

