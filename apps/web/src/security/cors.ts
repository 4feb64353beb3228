import cors from "cors";
import type { RequestHandler } from "express";
import { notFound } from "../http-error";
import { originAllowed } from "./cross-site";

/**
 * CORS for a frontend on another origin. No origins configured: no CORS headers at all, so browsers allow
 * same-origin calls only. "*" allows any origin. Authorization may be sent; Location is readable.
 * An OPTIONS request is answered here only when it is a preflight from an allowed origin; any other OPTIONS goes
 * on to the API key check and `optionsNotServed` (401 or 404), never to Express's automatic answer.
 */
export function corsFor(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  const handle = cors({
    origin: origins.includes("*") ? "*" : [...origins],
    methods: ["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
    allowedHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "Last-Event-ID"],
    exposedHeaders: ["Location", "X-Request-Id"],
    maxAge: 600,
  });
  return (req, res, next) => {
    if (req.method !== "OPTIONS") return handle(req, res, next);
    const preflight = req.get("access-control-request-method") !== undefined && originAllowed(req.get("origin"), origins);
    return preflight ? handle(req, res, next) : next();
  };
}

/** After the API key check: OPTIONS that was not a CORS preflight is no route (Express would answer it with Allow). */
export const optionsNotServed: RequestHandler = (req, _res, next) => next(req.method === "OPTIONS" ? notFound("route") : undefined);
