/**
 * Every error the HTTP API answers, in one typed list: its code (the contract clients branch on), its status and
 * its public message. Routes, the error handler and the OpenAPI document use this list, and a unit test checks the
 * error table of docs/api.md against it. A message may hold `{placeholders}`, filled by `apiError(code, values)`; the
 * compiler checks that each one is given. Messages are public: never put a path, a host, SQL or a stack in one.
 * (The worker's failure codes of a `failed` document are a separate list: @pagewise/core's FailureCode.)
 */
export const apiErrors = {
  bad_request: { status: 400, message: "The request is malformed: {reason}." },
  bad_json: { status: 400, message: "The request body is not valid JSON." },
  bad_encoding: { status: 400, message: "The request body could not be decoded with its Content-Encoding." },
  bad_upload: { status: 400, message: 'The upload is malformed ({reason}); send one PDF in the multipart field "file".' },
  bad_upload_request: { status: 400, message: 'Send JSON { "filename", "contentType": "application/pdf", "size" }.' },
  bad_query: { status: 400, message: "The query is not valid: {rule}." },
  bad_cursor: { status: 400, message: "The cursor is not valid; use nextCursor from a list answer as it is." },
  bad_title: { status: 400, message: "The title must be 1 to 500 characters, without control characters." },
  bad_filename: { status: 400, message: "The file name must not contain control characters." },
  bad_ocr: { status: 400, message: 'The field "ocr" must be "true" or "false".' },
  bad_callback_url: { status: 400, message: 'The field "callbackUrl" must be an http(s) URL of at most 2048 characters.' },
  callback_url_refused: { status: 400, message: "The callback URL is refused: {reason}." },
  bad_expires_in: { status: 400, message: 'The field "expiresInHours" must be a number of hours above 0{limit}.' },
  bad_webhook_pages: { status: 400, message: 'The field "webhookPages" must be "true" or "false".' },
  bad_reuse: { status: 400, message: 'The field "reuse" must be "true" or "false".' },
  bad_idempotency_key: { status: 400, message: "Idempotency-Key must be 1 to 255 printable characters." },
  missing_file: { status: 400, message: 'Send the PDF as multipart/form-data in the field "file", or JSON { "uploadId" } after POST /api/uploads.' },
  empty_file: { status: 400, message: "The file is empty." },
  size_mismatch: { status: 400, message: "The uploaded file has {actual} bytes, not the {announced} announced." },
  unauthorized: { status: 401, message: "Authentication required: {how}." },
  cross_site_request: { status: 403, message: "Cross-site requests are refused; CORS_ORIGINS lists the origins allowed to call this API." },
  not_found: { status: 404, message: "No such {thing}." },
  unknown_upload: { status: 404, message: "No such upload; announce it with POST /api/uploads first." },
  request_timeout: { status: 408, message: "The request's headers did not arrive in time." },
  webhooks_unavailable: { status: 409, message: "Webhooks are not configured on this server (WEBHOOK_SECRET is unset)." },
  not_cancellable: { status: 409, message: "The document has already finished." },
  not_retryable: { status: 409, message: "The document cannot be retried: {reason}." },
  still_running: { status: 409, message: "The document's previous run is still stopping; try again shortly." },
  not_finished: { status: 409, message: "The document is {status}; export it when it has succeeded, or ask for partial=true." },
  direct_upload_unavailable: { status: 409, message: "Direct uploads need S3 storage; send the file as multipart to /api/documents." },
  upload_incomplete: { status: 409, message: "The file has not been uploaded yet: PUT it to the upload URL first." },
  upload_consumed: { status: 409, message: "The upload was already used." },
  upload_expired: { status: 410, message: "The upload URL has expired; start again." },
  file_too_large: { status: 413, message: "The file is larger than the upload limit of {limit} bytes." },
  body_too_large: { status: 413, message: "The request body is larger than the limit of {limit}." },
  not_pdf: { status: 415, message: "The file is not a PDF, PNG, JPEG, WebP or TIFF (by its first bytes)." },
  unsupported_encoding: { status: 415, message: "The request body's encoding or charset is not supported: {what}." },
  idempotency_key_reused: { status: 422, message: "This Idempotency-Key was used with a different request; use a new key for a new upload." },
  headers_too_large: { status: 431, message: "The request's headers are too large." },
  internal: { status: 500, message: "Internal server error." },
  busy: { status: 503, message: "The server is busy: too many {what} at once; try again in {seconds} seconds." },
  queue_unavailable: { status: 503, message: "The queue is unavailable; the document was not {what}. Try again." },
  not_ready: { status: 503, message: "Not ready: {dependency} is not answering." },
  metrics_unavailable: { status: 503, message: "A metrics source did not answer." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ApiErrorCode = keyof typeof apiErrors;

/** The `{names}` in a message template (a brace pair with a space or a quote inside is text, e.g. JSON). */
type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? (Name extends `${string}${" " | '"'}${string}` ? never : Name) | Placeholders<Rest>
  : never;
type ValuesOf<C extends ApiErrorCode> = { [K in Placeholders<(typeof apiErrors)[C]["message"]>]: string | number };
/** The values argument: required exactly when the message has placeholders. */
type ValuesArg<C extends ApiErrorCode> = [Placeholders<(typeof apiErrors)[C]["message"]>] extends [never] ? [] : [values: ValuesOf<C>];

/** An API error: its status and code from the list, its message filled in (safe to show). Made by `apiError`. */
export class HttpError extends Error {
  readonly status: number;
  private constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.status = apiErrors[code].status;
  }

  static of<C extends ApiErrorCode>(code: C, ...[values]: ValuesArg<C>): HttpError {
    const given = values as Record<string, string | number> | undefined;
    return new HttpError(code, apiErrors[code].message.replace(/\{(\w+)\}/g, (_whole, name: string) => String(given?.[name] ?? name)));
  }
}

/** The error `code` answers with, its message filled with `values`; throw it. */
export function apiError<C extends ApiErrorCode>(code: C, ...values: ValuesArg<C>): HttpError {
  return HttpError.of(code, ...values);
}
