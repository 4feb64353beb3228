import type { PageLimitReason } from "@pagewise/core";

/** The compute child died or was killed while a request was in flight. Transient: the job is retried. */
export class ComputeCrashed extends Error {
  override name = "ComputeCrashed";
}

/**
 * The watchdog killed the child: a request ran past its deadline (`timeout`) or the child's memory crossed its
 * ceiling (`memory`). Every request in flight fails with one of these. `request` is the request it failed
 * (`open` or `page`); `shared` says another request was in flight in the same child, so this one may not be the
 * one that crossed the limit (two pages are pipelined).
 */
export class ComputeLimitExceeded extends Error {
  override name = "ComputeLimitExceeded";
  constructor(
    readonly limit: PageLimitReason,
    message: string,
    readonly request: "open" | "page" | "close" = "page",
    readonly shared = false,
  ) {
    super(message);
  }

  /** The same kill as seen by one of the requests in flight. */
  forRequest(request: "open" | "page" | "close", shared: boolean): ComputeLimitExceeded {
    return new ComputeLimitExceeded(this.limit, this.message, request, shared);
  }
}

/** The child could not load its detector (a model that is not there, not ONNX, or that onnxruntime rejects). */
export class DetectorUnavailable extends Error {
  override name = "DetectorUnavailable";
}

/** The child was stopped on purpose (shutdown); the job goes back to the queue untouched. */
export class ComputeInterrupted extends Error {
  override name = "ComputeInterrupted";
}
