import type { RequestHandler } from "express";
import { apiError } from "../http-error";
import { sameSecret } from "./constant-time";

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1];
}

/**
 * With an API key configured, requests need `Authorization: Bearer <API_KEY>` (401 `unauthorized` otherwise);
 * without one, everything passes (local use). CORS preflights never get here: browsers send no credentials on
 * them, so the cors middleware answers the allowed ones first (security/cors.ts); any other OPTIONS needs the key.
 */
export function requireApiKey(apiKey: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!apiKey) return next();
    const token = bearerToken(req.headers.authorization);
    if (token && sameSecret(token, apiKey)) return next();
    res.setHeader("WWW-Authenticate", 'Bearer realm="pagewise"');
    next(apiError("unauthorized", { how: "send the API key as Authorization: Bearer <key>" }));
  };
}
