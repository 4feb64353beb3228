import path from "node:path";
import { createLogger } from "@pagewise/logger";
import { type Daemon } from "./daemon";
import { startEmbeddedPostgres } from "./postgres";
import { startRedisServer } from "./redis";
import { type ServicesMessage, type ServicesPlan } from "./services";

/**
 * The services process of npm start (see services.ts): starts what the plan asks, reports the URLs, and stops
 * everything when its IPC channel to npm start closes.
 */
const plan = JSON.parse(process.argv[2] ?? "{}") as ServicesPlan;
const log = createLogger("services", process.env.LOG_LEVEL ?? "info");
const running: Daemon[] = [];

async function start(): Promise<ServicesMessage> {
  const message: ServicesMessage = { type: "ready" };
  if (plan.redisServer) {
    const dataDir = path.join(plan.dataDir, "redis");
    const redis = await startRedisServer(plan.redisServer, dataDir);
    running.push(redis);
    Object.assign(message, { redisUrl: redis.url, redis: { pid: redis.pid, port: redis.port, dataDir } });
  }
  if (plan.postgres) {
    const dataDir = path.join(plan.dataDir, "postgres");
    const postgres = await startEmbeddedPostgres(dataDir);
    running.push(postgres);
    Object.assign(message, { databaseUrl: postgres.url, postgres: { pid: postgres.pid, port: postgres.port, dataDir } });
  }
  return message;
}

const started = start().catch((error: Error): ServicesMessage => ({ type: "failed", message: error.message }));

let stopping: Promise<void> | undefined;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await started; // a start under way finishes first, so what it starts is stopped too
    await Promise.allSettled(running.map((daemon) => daemon.stop()));
  })();
  return stopping;
}

// npm start closes the channel to stop us (or dies); a signal sent to this process itself does the same.
for (const event of ["disconnect", "SIGTERM", "SIGINT", "SIGHUP"] as const) {
  process.on(event, () => void stopAll().then(() => process.exit(0)));
}

void started.then(async (message) => {
  if (message.type === "failed") await stopAll();
  if (process.connected) process.send?.(message);
  else await stopAll();
}).catch((error: Error) => {
  log.error({ err: error }, "the services process failed");
  process.exit(1);
});
