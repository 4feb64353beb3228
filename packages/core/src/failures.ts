/**
 * Permanent failures: short machine-readable codes with a clean public message. Details go to the logs.
 * A document that fails with one of these is not retried.
 */
export const failureMessages = {
  empty_file: "The file is empty.",
  not_pdf: "The file is not a PDF, PNG, JPEG, WebP or TIFF.",
  image_corrupt: "The image is damaged or in a variant that cannot be decoded.",
  image_too_large: "The image declares more pixels than the limit (MAX_IMAGE_PIXELS).",
  file_too_large: "The file is larger than the upload limit.",
  pdf_encrypted: "The PDF is protected by a password.",
  pdf_corrupt: "The PDF is damaged and cannot be read.",
  no_pages: "The PDF has no pages.",
  too_many_pages: "The document has more pages than the page limit.",
  timeout: "Processing took longer than the time limit.",
  memory_limit: "Processing needed more memory than the worker's limit.",
  detector_unavailable: "The detector could not be loaded; the worker's model configuration needs attention.",
  source_missing: "The uploaded file is no longer in storage.",
  enqueue_failed: "The document could not be queued; please upload it again.",
  stalled: "Processing was interrupted too many times (the worker stopped while holding this document).",
  internal: "Processing failed because of an internal error.",
} as const;

export type FailureCode = keyof typeof failureMessages;

/** Thrown by pipeline steps for input that will never succeed, however often it is retried. */
export class PermanentFailure extends Error {
  override name = "PermanentFailure";
  constructor(
    readonly code: FailureCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ?? failureMessages[code], options);
  }

  get publicMessage(): string {
    return failureMessages[this.code];
  }
}

export function isPermanentFailure(error: unknown): error is PermanentFailure {
  return error instanceof PermanentFailure;
}
