import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * The checkout whose build the bench runs: this one, or BENCH_ROOT's (another branch's built worktree, for
 * interleaved runs of two builds with the same measuring code).
 */
export const repoRoot = process.env.BENCH_ROOT ? path.resolve(process.env.BENCH_ROOT) : path.resolve(__dirname, "../../..");

export interface Proc {
  child: ChildProcess;
  /** Resolves with the first output line matching `pattern`; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Calls `listener` with every output line from now on (the kept lines are only the last 200). */
  onLine(listener: (line: string) => void): void;
}

/** The node flags and script of an npm start script (`node [--flag=value …] path.js`): what production runs. */
export function startCommand(scriptName: "start:web" | "start:worker"): { flags: string[]; script: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const words = (pkg.scripts[scriptName] ?? "").trim().split(/\s+/);
  if (words[0] !== "node") throw new Error(`${scriptName} does not start with node`);
  return { flags: words.slice(1, -1), script: words[words.length - 1] as string };
}

/**
 * Starts `node [flags] script [args]`. With `cpus` (a taskset list such as "1"), the process and every thread and
 * process it starts later (the worker's compute child) run on those CPUs only: taskset sets the affinity and execs
 * node, so the pid is node's. With `cgroupProcs` (a cgroup's cgroup.procs file), a shell writes its own pid there
 * and execs node, so node and everything it starts live in that cgroup from their first instruction.
 */
export function startNode(command: { flags: string[]; script: string; args?: string[] }, env: NodeJS.ProcessEnv, cpus?: string, cgroupProcs?: string): Proc {
  const { flags, script, args = [] } = command;
  const argv = [...flags, path.join(repoRoot, script), ...args];
  const options = { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] as ("ignore" | "pipe")[] };
  const node = cpus === undefined ? [process.execPath, ...argv] : ["taskset", "--cpu-list", cpus, process.execPath, ...argv];
  const child =
    cgroupProcs === undefined
      ? spawn(node[0] as string, node.slice(1), options)
      : spawn("sh", ["-c", 'echo $$ > "$0" && exec "$@"', cgroupProcs, ...node], options);
  const lines: string[] = [];
  const listeners = new Set<(line: string) => void>();
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (!line) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      for (const l of listeners) l(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`${script}: no ${pattern} within ${timeoutMs} ms\n${lines.slice(-10).join("\n")}`)), timeoutMs);
        const listener = (line: string) => pattern.test(line) && done(undefined, line);
        const done = (error?: Error, line = "") => {
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) reject(error);
          else resolve(line);
        };
        listeners.add(listener);
        void exited.then(() => listeners.has(listener) && done(new Error(`${script} exited:\n${lines.slice(-10).join("\n")}`)));
      });
    },
    onLine(listener) {
      listeners.add(listener);
    },
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
