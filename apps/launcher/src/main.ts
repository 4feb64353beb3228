import path from "node:path";
import { launcherEnvSchema, parseEnv } from "@pagewise/config";
import { createLogger } from "@pagewise/logger";
import { runWebAndWorker } from "./processes";
import { findLocalRedis } from "./redis";
import { startServices, type RunningServices } from "./services";

/**
 * npm start: provides what web and worker need on a bare machine, then runs both until they exit.
 * - DATABASE_URL unset: an embedded PostgreSQL under DATA_DIR/postgres; set: used as it is.
 * - REDIS_URL unset: the Redis answering at LOCAL_REDIS_URL, else redis-server from the PATH under DATA_DIR/redis,
 *   else one line saying how to get one; set (or REDIS_CLUSTER_NODES): used as it is.
 * What it started is stopped after web and worker have exited, however they exit.
 */
async function main(): Promise<void> {
  const env = parseEnv(launcherEnvSchema);
  const log = createLogger("launcher", env.LOG_LEVEL);
  let services: RunningServices | undefined;
  // Until web and worker run (and concurrently takes the signals over), Ctrl-C or SIGTERM stops what was started.
  const onSignal = (signal: NodeJS.Signals) => {
    void (services?.stop() ?? Promise.resolve()).then(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // npm start runs us through a shell (npm → sh → launcher). On SIGTERM npm signals the shell and exits without waiting;
  // the shell dies and we are re-parented, with no signal of our own. That is a SIGTERM too: nothing outlives npm start.
  const parent = process.ppid;
  const orphaned = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(orphaned);
    process.kill(process.pid, "SIGTERM");
  }, 1000).unref();
  let code = 1;
  try {
    const redis = env.REDIS_URL || env.REDIS_CLUSTER_NODES ? undefined : await findLocalRedis(env.LOCAL_REDIS_URL);
    const dataDir = path.resolve(env.DATA_DIR);
    const redisServer = redis?.kind === "start" ? redis.server : undefined;
    const childEnv: Record<string, string> = {};
    if (redis?.kind === "running") childEnv.REDIS_URL = redis.url;
    if (!env.DATABASE_URL || redisServer) {
      services = startServices({ dataDir, postgres: !env.DATABASE_URL, redisServer });
      const ready = await services.ready;
      if (ready.databaseUrl) childEnv.DATABASE_URL = ready.databaseUrl;
      if (ready.redisUrl) childEnv.REDIS_URL = ready.redisUrl;
      log.info({ servicesPid: services.pid, postgres: ready.postgres, redis: ready.redis }, "services started for web and worker");
    }
    if (redis?.kind === "running") log.info({ redis: redis.url }, "using the Redis that answers there");
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    code = await runWebAndWorker(childEnv);
  } catch (error) {
    log.fatal((error as Error).message);
  }
  await services?.stop();
  if (services) log.info("services stopped");
  process.exit(code);
}

void main();
