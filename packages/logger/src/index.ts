import pino, { type Logger } from "pino";

export type { Logger };

/**
 * One JSON object per line on stdout (what Heroku's log router and most hosts expect).
 * Child loggers carry context such as `documentId` on every line about it.
 */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name,
    level,
    base: { pid: process.pid, process: name },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
