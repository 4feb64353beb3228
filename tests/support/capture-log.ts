import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

/** A real pino logger whose JSON lines are kept in memory, for tests that assert what a process logs. */
type Line = Record<string, unknown>;

export function captureLog(level = "info"): {
  log: Logger;
  lines: () => Line[];
  clear: () => void;
  /** Resolves with the first line (already logged or to come) that matches, or rejects after the deadline. */
  waitFor: (match: (line: Line) => boolean, timeoutMs?: number) => Promise<Line>;
} {
  let lines: Line[] = [];
  const waiters = new Set<{ match: (line: Line) => boolean; resolve: (line: Line) => void }>();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString("utf8").split("\n")) {
        if (!text.trim()) continue;
        const line = JSON.parse(text) as Line;
        lines.push(line);
        for (const waiter of waiters) if (waiter.match(line)) waiter.resolve(line);
      }
      done();
    },
  });
  const log = pino({ level, formatters: { level: (label) => ({ level: label }) } }, sink);
  return {
    log,
    lines: () => lines,
    clear: () => {
      lines = [];
    },
    waitFor: (match, timeoutMs = 10_000) => {
      const found = lines.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<Line>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (line: Line) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(line);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error("no matching log line before the deadline"));
        }, timeoutMs);
        waiters.add(waiter);
      });
    },
  };
}
