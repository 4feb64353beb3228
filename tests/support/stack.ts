import fs from "node:fs";
import path from "node:path";
import { commonEnvSchema, parseEnv, redisConfigFrom } from "@pagewise/config";
import { freePort, startScriptFlags, startService, type Service } from "./processes";
import { startS3Server } from "./s3-server";
import { corpusFile, databaseUrl, obliterate, randomPrefix, redisUrl } from "./services";

/**
 * Real processes for end-to-end and fault-injection tests: compiled web and workers, started with the Node flags
 * of their npm start scripts (as production starts them), on the test database,
 * Redis under a random prefix, and an S3 server of their own.
 */
export interface Stack {
  prefix: string;
  env: NodeJS.ProcessEnv;
  base: string;
  s3: Awaited<ReturnType<typeof startS3Server>>;
  startWeb(extra?: NodeJS.ProcessEnv, nodeArgs?: string[]): Promise<Service>;
  startWorker(extra?: NodeJS.ProcessEnv, nodeArgs?: string[]): Promise<Service>;
  upload(file: string, headers?: Record<string, string>, fields?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; location: string | null }>;
  /** Uploads bytes made by the test (a generated PDF or image) under `filename`, with optional form fields. */
  uploadBytes(bytes: Buffer, filename: string, fields?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown>; location: string | null }>;
  get<T = Record<string, unknown>>(url: string): Promise<T>;
  post(url: string): Promise<{ status: number; body: Record<string, unknown> }>;
  /**
   * The document once it has left `queued` and `processing`, by long-polling its status (rejects after
   * `timeoutMs`). A job's failed state in Redis can come before the row: a failure BullMQ decides (stalled too
   * often, a range's parent) is written by the worker's `failed` listener just after it.
   */
  settled<T = Record<string, unknown>>(id: string, timeoutMs: number): Promise<T>;
  stop(): Promise<void>;
}

/** The processes' Redis, read from their environment as they read it. */
const redisVariables = commonEnvSchema.pick({ REDIS_URL: true, REDIS_CLUSTER_NODES: true, REDIS_TLS_REJECT_UNAUTHORIZED: true });

/** `overrides` with REDIS_CLUSTER_NODES: the processes use that Redis Cluster, under a prefix with a hash tag. */
export async function startStack(label: string, overrides: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const prefix = overrides.REDIS_CLUSTER_NODES ? `{${randomPrefix(label)}}` : randomPrefix(label);
  const s3 = await startS3Server();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const services: Service[] = [];
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: databaseUrl(),
    REDIS_URL: redisUrl(),
    QUEUE_PREFIX: prefix,
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    LOG_LEVEL: "info",
    NODE_ENV: "test",
    MIGRATE_ON_START: "false",
    // TEST_SPLIT_PAGES=2 runs a suite with every document of more than two pages split into page ranges
    // (docs/splitting.md): the job-semantics suites hold either way (docs/job-semantics.md).
    ...(process.env.TEST_SPLIT_PAGES ? { SPLIT_PAGES: process.env.TEST_SPLIT_PAGES } : {}),
    ...overrides,
  };
  const stack: Stack = {
    prefix,
    env,
    base,
    s3,
    async startWeb(extra = {}, nodeArgs = []) {
      const web = startService("apps/web/dist/main.js", { ...env, PORT: String(port), HOST: "127.0.0.1", ...extra }, [...startScriptFlags("start:web"), ...nodeArgs]);
      services.push(web);
      await web.waitForLine(/web listening/, 30_000);
      return web;
    },
    async startWorker(extra = {}, nodeArgs = []) {
      const worker = startService("apps/worker/dist/main.js", { ...env, ...extra }, [...startScriptFlags("start:worker"), ...nodeArgs]);
      services.push(worker);
      await worker.waitForLine(/worker started/, 30_000);
      return worker;
    },
    async upload(file, headers = {}, fields = {}) {
      return uploadForm(base, fs.readFileSync(corpusFile(file)), path.basename(file), headers, fields);
    },
    async uploadBytes(bytes, filename, fields = {}) {
      return uploadForm(base, bytes, filename, {}, fields);
    },
    async get(url) {
      const res = await fetch(url.startsWith("http") ? url : `${base}${url}`);
      if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
      return res.json();
    },
    async post(url) {
      const res = await fetch(`${base}${url}`, { method: "POST" });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    },
    async settled(id, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let doc = await stack.get<{ status: string; pagesDone: number }>(`/api/documents/${id}`);
      while (doc.status === "queued" || doc.status === "processing") {
        const left = Math.ceil((deadline - Date.now()) / 1000);
        if (left <= 0) throw new Error(`document ${id} still ${doc.status} after ${timeoutMs} ms`);
        doc = await stack.get(`/api/documents/${id}?wait=${Math.min(left, 30)}&since=${doc.status}:${doc.pagesDone}`);
      }
      return doc as never;
    },
    async stop() {
      await Promise.allSettled(services.map((s) => s.stop("SIGKILL", 10_000)));
      await obliterate(prefix, redisConfigFrom(parseEnv(redisVariables, env)));
      await s3.stop();
    },
  };
  return stack;
}

async function uploadForm(base: string, bytes: Buffer, filename: string, headers: Record<string, string>, fields: Record<string, string> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([new Uint8Array(bytes)], { type: "application/pdf" }), filename);
  const res = await fetch(`${base}/api/documents`, { method: "POST", body: form, headers });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, location: res.headers.get("location") };
}

/** The "page done" log lines of a worker, as { documentId, page } pairs. */
export function pagesDoneIn(service: Service, documentId: string): number[] {
  return service.lines
    .map((line) => {
      try {
        return JSON.parse(line) as { msg?: string; documentId?: string; page?: number };
      } catch {
        return {};
      }
    })
    .filter((l) => l.msg === "page done" && l.documentId === documentId)
    .map((l) => l.page as number);
}
