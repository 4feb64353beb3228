import { z } from "zod";

/** Booleans from the environment: "true/false/1/0/yes/no/on/off". */
const bool = (fallback: boolean) => z.stringbool().default(fallback);
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

/** Variables every process reads. */
export const commonEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.url().default("postgresql://postgres@127.0.0.1:5432/pagewise"),
  REDIS_URL: z.url().default("redis://127.0.0.1:6379"),
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
  AWS_ACCESS_KEY_ID: optionalString,
  AWS_SECRET_ACCESS_KEY: optionalString,
});

export const webEnvSchema = commonEnvSchema.extend({
  PORT: int(3000, 0),
  HOST: z.string().min(1).default("0.0.0.0"),
  SIGNED_URL_TTL_SECONDS: int(3600, 1),
});

export const workerEnvSchema = commonEnvSchema.extend({
  DETECTOR_MODEL: z.string().min(1).default("ppocr-det"),
  DETECTOR_THREADS: int(1, 1),
  DETECTOR_MAX_SIDE: int(960, 32),
  RENDER_DPI: int(150, 18),
  MAX_PAGES: int(2000, 1),
  MAX_PAGE_PIXELS: int(16_000_000, 10_000),
  DOCUMENT_TIMEOUT_SECONDS: int(3600, 1),
  WORKER_CONCURRENCY: int(1, 1),
});

export type CommonEnv = z.infer<typeof commonEnvSchema>;
export type WebEnv = z.infer<typeof webEnvSchema>;
export type WorkerEnv = z.infer<typeof workerEnvSchema>;
