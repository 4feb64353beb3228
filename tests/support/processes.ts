import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { startCommand } from "../../apps/bench/src/processes";
import { repoRoot } from "./services";

export interface Service {
  child: ChildProcess;
  /** Every line the process printed so far (JSON log lines), for assertions and for debugging a failure. */
  lines: string[];
  /** Resolves with the first line matching `pattern`, now or later; rejects at the deadline or on exit. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Sends a signal and resolves with the exit code; rejects at the deadline. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/** A loopback port nothing listens on (npm start's launcher picks its servers' ports with it). */
export { freePort } from "../../apps/launcher/src/daemon";

/** The Node flags of an npm start script, so tests run the processes as production does (the bench's parser). */
export const startScriptFlags = (scriptName: "start:web" | "start:worker"): string[] => startCommand(scriptName).flags;

/** Starts one of our compiled processes (apps/web/dist/main.js, apps/worker/dist/main.js) as a real OS process. */
export function startService(relativeScript: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Service {
  return startProcess(relativeScript, process.execPath, [...nodeArgs, path.join(repoRoot, relativeScript)], env);
}

/**
 * Starts `file args…` in the repository (`npm start`, say). `detached`: in a process group of its own, which
 * `process.kill(-pid, signal)` reaches as a terminal's Ctrl-C reaches its foreground group.
 */
export function startProcess(label: string, file: string, args: string[], env: NodeJS.ProcessEnv, options: { detached?: boolean } = {}): Service {
  const child = spawn(file, args, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  const lines: string[] = [];
  const waiters = new Set<{ pattern: RegExp; resolve: (line: string) => void }>();
  let exited = false;
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) {
      if (!line.trim()) continue;
      lines.push(line);
      for (const w of waiters) if (w.pattern.test(line)) w.resolve(line);
    }
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exit = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );

  return {
    child,
    lines,
    waitForLine(pattern, timeoutMs) {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          pattern,
          resolve: (line: string) => {
            cleanup();
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${label}: no line matching ${pattern} within ${timeoutMs} ms:\n${lines.slice(-20).join("\n")}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(waiter);
        };
        waiters.add(waiter);
        void exit.then((code) => {
          if (!waiters.has(waiter)) return;
          cleanup();
          reject(new Error(`${label} exited (${code}) before printing ${pattern}:\n${lines.slice(-20).join("\n")}`));
        });
      });
    },
    async stop(signal = "SIGTERM", timeoutMs = 30_000) {
      if (exited) return child.exitCode;
      child.kill(signal);
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          exit,
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`${label} did not exit within ${timeoutMs} ms of ${signal}`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        if (!exited) child.kill("SIGKILL");
      }
    },
  };
}
