import fs from "node:fs";
import path from "node:path";
import { connectRedis } from "@pagewise/queue";
import { LaunchError } from "./launch-error";
import { freePort, startDaemon, type Daemon } from "./daemon";

/** What npm start does for Redis when REDIS_URL and REDIS_CLUSTER_NODES are unset. */
export type LocalRedis = { kind: "running"; url: string } | { kind: "start"; server: string };

/** One line: what is missing and how to get it on the usual systems. */
export function redisMissingMessage(probedUrl: string): string {
  const { host } = new URL(probedUrl);
  return (
    `No Redis answers at ${host} and redis-server is not on the PATH: install it ` +
    "(Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis) " +
    "or run one with Docker (docker run -d -p 127.0.0.1:6379:6379 redis:7), or set REDIS_URL; then npm start again."
  );
}

/** The first executable file called `name` in a PATH-style list of directories. */
export function findOnPath(name: string, pathList = process.env.PATH ?? ""): string | undefined {
  for (const dir of pathList.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      if (fs.statSync(file).isFile()) return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A Redis that answers at `probedUrl` is used as it is; otherwise redis-server from the PATH; otherwise a LaunchError. */
export async function findLocalRedis(probedUrl: string, pathList?: string): Promise<LocalRedis> {
  try {
    const redis = await connectRedis("producer", { url: probedUrl, rejectUnauthorized: true }, { timeoutMs: 2000 });
    redis.disconnect();
    return { kind: "running", url: probedUrl };
  } catch {
    const server = findOnPath("redis-server", pathList);
    if (!server) throw new LaunchError(redisMissingMessage(probedUrl));
    return { kind: "start", server };
  }
}

/**
 * redis-server as BullMQ needs it: loopback only, `noeviction` (an evicted job key is a lost document), and the
 * append-only file under `dir` so queued jobs survive a restart like the documents in PostgreSQL.
 */
export async function startRedisServer(server: string, dir: string): Promise<Daemon & { url: string; port: number }> {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, "--appendonly", "yes", "--maxmemory-policy", "noeviction"];
  const daemon = await startDaemon({
    name: "redis-server",
    file: server,
    args,
    logFile: path.join(dir, "redis.log"),
    ready: /Ready to accept connections/,
  });
  return { ...daemon, port, url: `redis://127.0.0.1:${port}` };
}
