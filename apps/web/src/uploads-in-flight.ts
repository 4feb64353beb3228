import type { RequestHandler } from "express";
import type { Slots } from "./slots";

/**
 * At most `slots.max` multipart uploads received at once by this process (MAX_UPLOADS_IN_FLIGHT). On S3 each holds
 * up to one 5 MB part in memory while it arrives (source-storage.ts), so without a bound enough concurrent uploads,
 * careless or hostile, would exhaust a small dyno's memory and take every request in flight with it. One more is
 * answered at once, before its body is read, with `503 busy` and Retry-After (Node then discards the body, it is
 * not held). Other requests (status reads, JSON creates after a direct upload) are not counted: they hold no file.
 */
export function uploadsInFlight(slots: Slots): RequestHandler {
  return (req, res, next) => {
    if (req.is("multipart/form-data")) slots.take(res); // throws 503 busy when none is left
    next();
  };
}
