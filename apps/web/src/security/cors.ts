import cors from "cors";
import type { RequestHandler } from "express";

/**
 * CORS for a frontend on another origin. No origins configured: no CORS headers at all, so browsers allow
 * same-origin calls only. "*" allows any origin. Authorization may be sent; Location is readable.
 */
export function corsFor(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  return cors({
    origin: origins.includes("*") ? "*" : [...origins],
    methods: ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
    allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
    exposedHeaders: ["Location", "X-Request-Id"],
    maxAge: 600,
  });
}
