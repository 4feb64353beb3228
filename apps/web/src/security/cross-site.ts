import type { Request, RequestHandler } from "express";
import { apiError } from "../http-error";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Whether CORS_ORIGINS lets `origin` call the API ("*": any). */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin !== undefined && (allowed.includes("*") || allowed.includes(origin));
}

/** The Origin header names this server (its host and port, as the client addressed it). */
function sameHost(req: Request, origin: string): boolean {
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  return host === req.headers.host || host === req.get("x-forwarded-host");
}

/**
 * Refuses cross-site unsafe requests (403 `cross_site_request`): without it, with API_KEY unset, a form on any web
 * site could POST documents to an instance on the user's machine or network, and the queue dashboard's basic-auth
 * credentials, which browsers send by themselves, could be used from another site. The rule is Go's
 * CrossOriginProtection: GET/HEAD/OPTIONS pass; an Origin in CORS_ORIGINS passes (on /api, which CORS opens);
 * else `Sec-Fetch-Site` decides when the browser sent it (same-origin or none pass); else an Origin must name this
 * host; a request with neither header is not from a browser and passes (API clients, curl).
 */
export function refuseCrossSite(corsOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = req.get("origin");
    if (req.path.startsWith("/api/") && originAllowed(origin, corsOrigins)) return next();
    const site = req.get("sec-fetch-site");
    if (site !== undefined) return site === "same-origin" || site === "none" ? next() : next(apiError("cross_site_request"));
    if (origin === undefined || sameHost(req, origin)) return next();
    next(apiError("cross_site_request"));
  };
}
