import type { RequestHandler } from "express";
import { apiError } from "../http-error";
import { sameSecret } from "./constant-time";

/** `Authorization: Basic base64(user:password)` → { user, password }, or undefined. */
export function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** HTTP basic auth: a browser shows its login prompt on the 401. Both comparisons always run (no timing hint). */
export function requireBasicAuth(user: string, password: string, realm: string): RequestHandler {
  return (req, res, next) => {
    const given = basicCredentials(req.headers.authorization);
    const userOk = sameSecret(given?.user ?? "", user);
    const passwordOk = sameSecret(given?.password ?? "", password);
    if (given && userOk && passwordOk) return next();
    res.setHeader("WWW-Authenticate", `Basic realm="${realm}", charset="UTF-8"`);
    next(apiError("unauthorized", { how: "the queue dashboard needs the admin user and password (HTTP basic auth)" }));
  };
}
