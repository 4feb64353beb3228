import type { Response } from "express";

/**
 * A bound on the requests of one kind this process holds at once (uploads being received, live updates held
 * open), because each costs memory while it lasts. `take(res)` takes a slot for a response, or says there is none;
 * the slot is freed when the answer is sent or the connection closes, whichever comes first.
 */
export class Slots {
  private used = 0;

  /** `max`: Infinity for no bound. */
  constructor(readonly max: number) {}

  take(res: Response): boolean {
    if (this.used >= this.max) return false;
    this.used++;
    let freed = false;
    const free = () => {
      if (freed) return;
      freed = true;
      this.used--;
    };
    res.once("finish", free);
    res.once("close", free);
    return true;
  }

  get inUse(): number {
    return this.used;
  }
}
