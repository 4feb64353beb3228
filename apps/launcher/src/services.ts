import { fork } from "node:child_process";
import path from "node:path";
import { LaunchError } from "./launch-error";

/** What the services process starts: both under `dataDir`. */
export interface ServicesPlan {
  dataDir: string;
  /** An embedded PostgreSQL (DATABASE_URL unset). */
  postgres: boolean;
  /** redis-server to run (REDIS_URL unset and no Redis answering). */
  redisServer?: string;
}

interface ServiceInfo {
  pid: number;
  port: number;
  dataDir: string;
}

export type ServicesMessage =
  | { type: "ready"; databaseUrl?: string; redisUrl?: string; postgres?: ServiceInfo; redis?: ServiceInfo }
  | { type: "failed"; message: string };

type ServicesReady = Extract<ServicesMessage, { type: "ready" }>;

export interface RunningServices {
  /** The services process's pid. */
  pid: number;
  ready: Promise<ServicesReady>;
  /** Stops them (the services process stops what it started, then exits) and resolves once it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts the services process (services-main.ts). It runs detached, in a process group of its own, so that Ctrl-C in
 * the terminal reaches web and worker but not the databases they are still writing to while they shut down; npm start
 * stops it after them. It stops its servers as soon as its IPC channel to npm start closes: when npm start asks, and
 * also when npm start dies, even by SIGKILL, so no postgres or redis-server outlives it.
 */
export function startServices(plan: ServicesPlan): RunningServices {
  const child = fork(path.join(__dirname, "services-main.js"), [JSON.stringify(plan)], {
    detached: true,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<ServicesReady>((resolve, reject) => {
    child.once("message", (message: ServicesMessage) => {
      if (message.type === "ready") resolve(message);
      else reject(new LaunchError(message.message));
    });
    void exited.then(() => reject(new LaunchError("The services process exited before PostgreSQL and Redis were ready.")));
  });
  ready.catch(() => undefined); // the caller awaits it; this only keeps an early exit from being an unhandled rejection
  return {
    pid: child.pid as number,
    ready,
    async stop() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
