import { Writable } from "node:stream";
import pino, { type Logger } from "pino";

/** A real pino logger whose JSON lines are kept in memory, for tests that assert what a process logs. */
export function captureLog(level = "info"): { log: Logger; lines: () => Array<Record<string, unknown>>; clear: () => void } {
  let lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
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
  };
}
