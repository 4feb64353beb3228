import path from "node:path";
import { Client } from "pg";
import { startNode } from "./processes";

/** s3rver in a child process (see s3-server.ts), so the workers' uploads do not share the measuring process's event loop. */
export async function startS3(dir: string, bucket: string) {
  const server = startNode({ flags: [], script: "apps/bench/dist/s3-server.js", args: [dir, bucket] }, {});
  const line = await server.waitFor(/s3rver listening on \d+/, 30_000);
  return { endpoint: `http://127.0.0.1:${line.split(" ").pop() as string}`, proc: server };
}

/** The storage settings of the web and worker processes: a local directory under `work`, or the bench's S3 server. */
export function storageEnv(kind: string, work: string, s3Endpoint: string, bucket: string): Record<string, string> {
  if (kind === "local") return { DATA_DIR: path.join(work, "data") };
  return { S3_BUCKET: bucket, S3_ENDPOINT: s3Endpoint, S3_FORCE_PATH_STYLE: "true", AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
}

/** The environment of the web and worker processes the bench and the sweep start: production settings, own database and queue prefix. */
export function processEnv(o: { storage: Record<string, string>; databaseUrl: string; redisUrl: string; prefix: string; dpi: string }): Record<string, string> {
  return {
    ...o.storage,
    NODE_ENV: "production",
    LOG_LEVEL: "warn",
    DATABASE_URL: o.databaseUrl,
    REDIS_URL: o.redisUrl,
    QUEUE_PREFIX: o.prefix,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    RENDER_DPI: o.dpi,
    // As the image sets it (Dockerfile ENV): two glibc malloc arenas per process.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
  };
}

/** Drops a database the web process created by its migrations (FORCE: the processes may still hold connections). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  const name = admin.pathname.slice(1);
  admin.pathname = "/postgres";
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
