import type { RequestHandler } from "express";
import { apiError } from "./http-error";

/** Seconds a refused upload is told to wait (Retry-After): long enough for a small upload in progress to end. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * At most `max` multipart uploads received at once by this process. On S3 each holds up to one 5 MB part in memory
 * while it arrives (source-storage.ts), so without a bound enough concurrent uploads, careless or hostile, would
 * exhaust a small dyno's memory and take every request in flight with it. One more is answered at once, before its
 * body is read, with `503 busy` and Retry-After (the body is then discarded by Node, not held). A slot is freed when
 * the answer is sent or the connection closes, whichever comes first. Other requests (status reads, JSON creates
 * after a direct upload) are not counted: they hold no file.
 */
export function uploadsInFlight(max: number): RequestHandler & { inFlight(): number } {
  let current = 0;
  const limit: RequestHandler = (req, res, next) => {
    if (!req.is("multipart/form-data")) return next();
    if (current >= max) {
      res.set("Retry-After", String(BUSY_RETRY_AFTER_SECONDS));
      return next(apiError("busy", { seconds: BUSY_RETRY_AFTER_SECONDS }));
    }
    current++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      current--;
    };
    res.once("finish", release);
    res.once("close", release);
    next();
  };
  return Object.assign(limit, { inFlight: () => current });
}
