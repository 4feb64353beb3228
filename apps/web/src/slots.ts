import type { Response } from "express";
import { apiError, type HttpError } from "./http-error";

/** Seconds a request refused as `busy` is told to wait (Retry-After): long enough for a small upload or a poll to end. */
const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * A bound on the requests of one kind this process holds at once (uploads being received, live updates held
 * open), because each costs memory while it lasts. `take(res)` takes a slot for a response, freed when the answer
 * is sent or the connection closes, whichever comes first; when none is left it throws 503 `busy` with Retry-After,
 * naming what there are too many of (`what`).
 */
export class Slots {
  private used = 0;

  /** `max`: Infinity for no bound. */
  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {}

  take(res: Response): void {
    if (this.used >= this.max) throw this.busy(res);
    this.used++;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      this.used--;
    };
    res.once("finish", free);
    res.once("close", free);
  }

  private busy(res: Response): HttpError {
    res.set("Retry-After", String(BUSY_RETRY_AFTER_SECONDS));
    return apiError("busy", { what: this.what, seconds: BUSY_RETRY_AFTER_SECONDS });
  }
}
