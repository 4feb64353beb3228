import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import { LaunchError } from "./launch-error";

/** A server process npm start runs for web and worker. */
export interface Daemon {
  pid: number;
  /** Asks it to shut down and resolves when it has exited (SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

/** A port nothing listens on right now, on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Appends a server's output to its log file and keeps the last lines, to quote when it fails. */
export class ServerLog {
  private readonly stream: fs.WriteStream;
  private readonly recent: string[] = [];

  constructor(file: string) {
    this.stream = fs.createWriteStream(file, { flags: "a" });
  }

  write(chunk: string): void {
    this.stream.write(chunk);
    for (const line of chunk.split("\n")) if (line.trim()) this.recent.push(line.trim());
    this.recent.splice(0, Math.max(0, this.recent.length - 5));
  }

  tail(): string {
    return this.recent.join(" | ");
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }
}

/** Starts `file args…`, resolves once a line of its output matches `ready`; rejects with its last lines if it exits first. */
export async function startDaemon(options: { name: string; file: string; args: string[]; logFile: string; ready: RegExp; timeoutMs?: number }): Promise<Daemon> {
  const { name, file, args, ready, timeoutMs = 60_000 } = options;
  const log = new ServerLog(options.logFile);
  const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => log.close());
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(`${name} was not ready within ${timeoutMs / 1000} s`), timeoutMs);
    const onOutput = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      log.write(text);
      if (ready.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new LaunchError(`${why} (log: ${options.logFile}): ${log.tail()}`));
    };
    child.stdout.on("data", onOutput);
    child.stderr.on("data", onOutput);
    child.once("error", (error) => fail(`${name} did not start: ${error.message}`));
    void exited.then(() => fail(`${name} exited`));
  });
  return {
    pid: child.pid as number,
    async stop(stopTimeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
