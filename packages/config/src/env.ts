import { availableParallelism } from "node:os";
import { z } from "zod";
import { detectorIds, unknownDetector, webhookSecretBytes } from "@pagewise/core";
import { hashTagOf } from "./redis";

/** Booleans from the environment: "true/false/1/0/yes/no/on/off". */
const bool = (fallback: boolean) => z.stringbool().default(fallback);
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

/** "https://a.example, https://b.example" → ["https://a.example", "https://b.example"]; "*" allows any origin. */
const corsOrigins = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(",").map((o) => o.trim()).filter(Boolean))
  .refine((origins) => origins.every((o) => o === "*" || /^https?:\/\/[^/\s]+$/.test(o)), {
    message: 'each origin is "*" or scheme://host[:port] with no path, e.g. https://app.example.com',
  });

/**
 * Redis Cluster seed nodes: "host:port,host:port,…", or redis:// / rediss:// URLs when the nodes need a password or
 * TLS (every node the same scheme and credentials: one cluster). Normalised to URLs; unset = standalone REDIS_URL.
 * Errors name an entry by its position, never by its text (it may hold a password).
 */
const clusterNodes = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const entries = value.split(",").map((e) => e.trim()).filter(Boolean);
  const urls: URL[] = [];
  for (const [i, entry] of entries.entries()) {
    let url: URL | undefined;
    try {
      url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `redis://${entry}`);
    } catch {
      url = undefined;
    }
    if (!url || !["redis:", "rediss:"].includes(url.protocol) || !url.hostname || !url.port || !["", "/"].includes(url.pathname)) {
      ctx.addIssue({ code: "custom", message: `node ${i + 1} is not host:port (or redis[s]://[user:password@]host:port)` });
      return z.NEVER;
    }
    urls.push(url);
  }
  if (urls.length === 0) {
    ctx.addIssue({ code: "custom", message: "expected host:port,host:port,… (the cluster's seed nodes)" });
    return z.NEVER;
  }
  if (new Set(urls.map((u) => `${u.protocol}//${u.username}:${u.password}`)).size > 1) {
    ctx.addIssue({ code: "custom", message: "every node needs the same scheme (redis:// or rediss://) and credentials" });
    return z.NEVER;
  }
  return urls.map((u) => `${u.protocol}//${u.username || u.password ? `${u.username}:${u.password}@` : ""}${u.host}`);
});

/**
 * In a Redis Cluster every key of a BullMQ queue must be in one slot: its scripts touch several at once (and a
 * flow's parent and children too). A prefix with a hash tag, {pagewise}, puts them there; without one, the first
 * add() would fail with CROSSSLOT, so the process refuses to start instead.
 */
const clusterPrefixNeedsHashTag = (env: { REDIS_CLUSTER_NODES?: readonly string[]; QUEUE_PREFIX: string }) =>
  !env.REDIS_CLUSTER_NODES || hashTagOf(env.QUEUE_PREFIX) !== undefined;
const clusterPrefixProblem = {
  message: "with REDIS_CLUSTER_NODES set, the prefix needs a hash tag so that each queue's keys share one cluster slot, e.g. QUEUE_PREFIX={pagewise}",
  path: ["QUEUE_PREFIX"],
};

/** Checked against the adapters' ids (core's `detectorIds`, no adapter loaded), so a typo stops a process at start. */
/**
 * The default detector is PP-OCRv4 det quantized to INT8: on the benchmark manual with two threads it is what takes
 * a worker past 4.4 pages/s at the same peak memory, and `npm run quality` scores it within a point of the float
 * model (docs/benchmarks.md, Performance). `ppocr-det` is the float model, one setting away.
 */
const detectorModel = z.enum(detectorIds, { error: (issue) => unknownDetector(String(issue.input)) }).default("ppocr-det-int8");

/**
 * onnxruntime's intra-op threads: two where the process may use two cores or more, since an inference blocks the
 * compute child's JavaScript thread (and the page's other steps) until it ends; one where the process is confined to
 * one core (a pinned worker, a one-core machine), which a second thread would only share.
 */
const defaultDetectorThreads = Math.min(2, availableParallelism());

/** Variables every process reads. */
export const commonEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/pagewise"),
  /** false: TLS to Postgres without certificate verification (Heroku Postgres' self-signed certificates). */
  DATABASE_SSL_REJECT_UNAUTHORIZED: bool(true),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
  /** Redis Cluster seed nodes; set, they replace REDIS_URL (and QUEUE_PREFIX needs a hash tag). */
  REDIS_CLUSTER_NODES: clusterNodes,
  REDIS_TLS_REJECT_UNAUTHORIZED: bool(true),
  QUEUE_PREFIX: z.string().min(1).default("pagewise"),
  MIGRATE_ON_START: bool(true),
  MAX_UPLOAD_BYTES: int(100 * 1024 * 1024, 1),
  SHUTDOWN_TIMEOUT_SECONDS: int(25, 1),
  DATA_DIR: z.string().min(1).default("./data"),
  S3_BUCKET: optionalString,
  S3_ENDPOINT: optionalString,
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_FORCE_PATH_STYLE: bool(false),
  S3_PUBLIC_ENDPOINT: optionalString,
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
  /** Standard Webhooks signing secret, "whsec_" + base64 of 24-64 bytes; unset = no webhooks. */
  WEBHOOK_SECRET: optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        webhookSecretBytes(v);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'expected "whsec_" followed by base64 of 24 to 64 random bytes (e.g. whsec_$(openssl rand -base64 32))' },
  ),
  /** true: webhooks may target loopback, private and link-local addresses (local development, tests). */
  WEBHOOK_ALLOW_PRIVATE: bool(false),
  /**
   * The worker's detector and render DPI. The web reads them too: an upload with reuse=true may reuse a document
   * processed with the same ones only.
   */
  DETECTOR_MODEL: detectorModel,
  RENDER_DPI: int(150, 18),
});

export const webEnvSchema = commonEnvSchema.extend({
  PORT: int(3000, 0),
  HOST: z.string().min(1).default("0.0.0.0"),
  SIGNED_URL_TTL_SECONDS: int(3600, 1),
  /** Number of web processes per container/dyno (node:cluster); 1 runs a single process. */
  WEB_CONCURRENCY: int(1, 1),
  /**
   * Multipart uploads one web process receives at once; more answer 503 `busy` with Retry-After. On S3 each can
   * hold a 5 MB part in memory: 16 bound that at 80 MB a process.
   */
  MAX_UPLOADS_IN_FLIGHT: int(16, 1),
  /**
   * SSE streams and long-polls one web process holds open at once; more answer 503 `busy` with Retry-After. Each
   * costs ~45 KB of memory while open (measured, docs/benchmarks.md): 1000 bound that near 45 MB a process.
   */
  MAX_OPEN_STREAMS: int(1000, 1),
  /** Bearer token required on /api routes and /metrics; unset = open (local use). */
  API_KEY: optionalString,
  /** Origins allowed to call the API from a browser (CORS), comma-separated; unset = same-origin only. */
  CORS_ORIGINS: corsOrigins,
  /** HTTP basic auth for the queue dashboard at /admin/queues; both unset (or either) = dashboard off. */
  ADMIN_USER: optionalString,
  ADMIN_PASSWORD: optionalString,
  /** Retention: documents are deleted this many hours after upload; an upload may ask for less. Unset = kept. */
  RETENTION_HOURS: optionalString.pipe(z.coerce.number<string | undefined>().positive().optional()),
  /** Webhook target of every document uploaded without a callbackUrl of its own. */
  WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
})
  .refine((env) => !env.WEBHOOK_URL || env.WEBHOOK_SECRET, {
    message: "WEBHOOK_URL needs WEBHOOK_SECRET (events are signed)",
    path: ["WEBHOOK_SECRET"],
  })
  .refine(clusterPrefixNeedsHashTag, clusterPrefixProblem);

/**
 * The detector's settings: the worker reads them from its environment, `pagewise detect` from its flags (named in
 * apps/cli/src/detector-flags.ts); `detectorOptionsFrom` (detector.ts) turns them into the adapter's options.
 */
export const detectorEnvSchema = z.object({
  DETECTOR_MODEL: detectorModel,
  DETECTOR_THREADS: int(defaultDetectorThreads, 1),
  DETECTOR_MAX_SIDE: int(960, 32),
  /** DETECTOR_MODEL=yolo: the Ultralytics-format ONNX file, and optionally a class-names file overriding its metadata. */
  YOLO_MODEL_PATH: optionalString,
  YOLO_LABELS_PATH: optionalString,
  /** DETECTOR_MODEL=yolo: minimum class score, and the IoU above which class-aware NMS drops a box. */
  YOLO_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.25),
  YOLO_IOU: z.coerce.number().min(0).max(1).default(0.45),
});

export const workerEnvSchema = commonEnvSchema.extend({
  ...detectorEnvSchema.shape,
  MAX_PAGES: int(10_000, 1),
  MAX_PAGE_PIXELS: int(16_000_000, 10_000),
  /** An uploaded image (or TIFF frame) declaring more pixels is refused (image_too_large) before it is decoded. */
  MAX_IMAGE_PIXELS: int(100_000_000, 10_000),
  DOCUMENT_TIMEOUT_SECONDS: int(3600, 1),
  PAGE_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  /** A page over the memory ceiling or the time limit: skip = retry it at a reduced budget, then skip it; fail = fail the document. */
  PAGE_FAILURE_POLICY: z.enum(["skip", "fail"]).default("skip"),
  WORKER_MAX_DOCUMENTS_PER_CHILD: int(100, 1),
  /**
   * The compute child is replaced between two pages once it has rendered this many (across documents): what grows
   * with its age stays bounded on a 2,415-page document as on a 30-page one. Chosen by measurement (docs/memory.md).
   */
  WORKER_MAX_PAGES_PER_CHILD: int(300, 1),
  /**
   * The compute child's memory ceiling, enforced while it works (sampled every 25 ms, SIGKILL on crossing). A dyno's
   * memory cgroup charges worker + child about the child's RSS plus the worker's anonymous memory (~30-40 MB: the Node
   * binary's pages are shared), so 400 keeps the two within 450 MB.
   */
  WORKER_MAX_CHILD_RSS_MB: int(400, 128),
  WORKER_LOCK_DURATION_MS: int(30_000, 1000),
  WORKER_STALLED_INTERVAL_MS: int(30_000, 500),
  WORKER_MAX_STALLED_COUNT: int(2, 0),
  HOUSEKEEPING_INTERVAL_SECONDS: int(300, 1),
  HOUSEKEEPING_STALE_SECONDS: int(120, 1),
  /** Storage folders no row owns are removed once their newest object is this old (an upload in flight is younger). */
  HOUSEKEEPING_ORPHAN_GRACE_SECONDS: int(3600, 60),
  WORKER_CONCURRENCY: int(1, 1),
  /**
   * A document with more pages is processed as page ranges of this many pages, child jobs of its job that any worker
   * takes (docs/splitting.md); 0: never split. Chosen by measurement (docs/benchmarks.md, "Splitting").
   */
  SPLIT_PAGES: int(24, 0),
  /** Webhook deliveries sent at once per worker process. */
  WEBHOOK_CONCURRENCY: int(8, 1),
}).refine(clusterPrefixNeedsHashTag, clusterPrefixProblem);

/**
 * `npm start` (apps/launcher), before it runs web and worker: what it must provide. Only it reads these meanings of
 * unset; `start:web` / `start:worker` alone keep the defaults above (production process types use real services).
 */
export const launcherEnvSchema = z.object({
  LOG_LEVEL: commonEnvSchema.shape.LOG_LEVEL,
  /** Unset: an embedded PostgreSQL under DATA_DIR/postgres, started before web and worker and stopped with them. */
  DATABASE_URL: optionalString.pipe(z.url().optional()),
  /** Unset: the Redis answering at LOCAL_REDIS_URL, else a redis-server from the PATH with its data under DATA_DIR/redis. */
  REDIS_URL: optionalString.pipe(z.url().optional()),
  /** Set: web and worker use that Redis Cluster, and npm start neither looks for nor starts a Redis. */
  REDIS_CLUSTER_NODES: optionalString,
  /** Where a Redis is looked for when REDIS_URL is unset: where web and worker look by default. */
  LOCAL_REDIS_URL: commonEnvSchema.shape.REDIS_URL,
  DATA_DIR: commonEnvSchema.shape.DATA_DIR,
});

export type CommonEnv = z.infer<typeof commonEnvSchema>;
export type WebEnv = z.infer<typeof webEnvSchema>;
export type DetectorEnv = z.infer<typeof detectorEnvSchema>;
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
