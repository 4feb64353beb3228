import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import type { RedisConfig } from "@pagewise/config";
import { freePort, startProcess, type Service } from "./processes";

/** A Redis Cluster of `redis-server` processes on loopback, for the tests that need one. */
export interface RedisCluster {
  /** "127.0.0.1:port" of each node (all masters). */
  nodes: string[];
  /** What web and worker are given: REDIS_CLUSTER_NODES. */
  env: { REDIS_CLUSTER_NODES: string };
  /** The same as a RedisConfig, for connectRedis in the test process. */
  config: RedisConfig;
  stop(): Promise<void>;
}

const run = (file: string, args: string[]) =>
  new Promise<string>((resolve, reject) => {
    execFile(file, args, { timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(" ")}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });

/** Distinct free loopback ports (a node's client port and its cluster bus port each need one). */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Resolves once every node says `cluster_state:ok`, polling each every 50 ms; rejects at the deadline. */
async function clusterStateOk(nodes: string[], timeoutMs: number): Promise<void> {
  const clients = nodes.map((node) => {
    const [host, port] = node.split(":");
    return new Redis({ host, port: Number(port), lazyConnect: true, maxRetriesPerRequest: 1 });
  });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const infos = await Promise.all(clients.map((c) => c.cluster("INFO")));
      if (infos.every((info) => /cluster_state:ok/.test(info))) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster not ok within ${timeoutMs} ms:\n${infos.join("\n")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    for (const c of clients) c.disconnect();
  }
}

/**
 * Starts `size` redis-server processes in cluster mode on free loopback ports, in a temporary directory (no
 * persistence), joins them with `redis-cli --cluster create` (all masters, the 16384 slots split between them) and
 * waits until each says the cluster is ok. `stop()` ends them and removes the directory.
 */
export async function startRedisCluster(size = 3): Promise<RedisCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-redis-cluster-"));
  const ports = await freePorts(size * 2);
  const servers: Service[] = [];
  const stop = async () => {
    await Promise.allSettled(servers.map((s) => s.stop("SIGTERM", 10_000)));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const nodes: string[] = [];
    for (let i = 0; i < size; i++) {
      const [port, busPort] = [ports[2 * i] as number, ports[2 * i + 1] as number];
      const args = [
        "--port", String(port),
        "--bind", "127.0.0.1",
        "--cluster-enabled", "yes",
        "--cluster-port", String(busPort),
        "--cluster-config-file", path.join(dir, `nodes-${port}.conf`),
        "--dir", dir,
        "--save", "",
        "--appendonly", "no",
        "--maxmemory-policy", "noeviction",
      ];
      const server = startProcess(`redis-server :${port}`, "redis-server", args, {});
      servers.push(server);
      await server.waitForLine(/Ready to accept connections/, 30_000);
      nodes.push(`127.0.0.1:${port}`);
    }
    await run("redis-cli", ["--cluster", "create", ...nodes, "--cluster-replicas", "0", "--cluster-yes"]);
    await clusterStateOk(nodes, 30_000);
    return {
      nodes,
      env: { REDIS_CLUSTER_NODES: nodes.join(",") },
      config: { url: "redis://127.0.0.1:1", clusterNodes: nodes.map((n) => `redis://${n}`), rejectUnauthorized: true },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
