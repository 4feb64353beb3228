import { z } from "zod";
import type { Detection, PageResult, SkippedPage } from "@pagewise/core";
import type { ClientConfig, DocumentDetail, DocumentSummary, Failure, PageLinks, SkippedPageLinks } from "@pagewise/core/api-types";
import { apiErrors, type ApiErrorCode } from "./api-errors";

/**
 * The API's request and response shapes, in one place: routes validate requests with them, tests parse real
 * responses with them, and /api/openapi.json is generated from them (openapi/document.ts), so the published
 * description cannot drift from the code. Schemas with an `id` in `apiRegistry` become components.
 */
export const apiRegistry = z.registry<{ id: string; description?: string }>();

// ---- results (what the worker stores per page) ---------------------------------------------------------------

const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const polygon = z.array(z.tuple([z.number(), z.number()]));

/** One detection: @pagewise/core's `Detection`, validated. */
const detectionSchema = z.object({
  box,
  polygon,
  score: z.number(),
  label: z.string(),
  pdf: z.object({ box, polygon }).optional(),
  text: z.string().optional(),
  textScore: z.number().optional(),
});

/** The limit a page crossed: the compute child's memory ceiling, or the page time limit. */
const pageLimitReasonSchema = z.enum(["memory", "timeout"]).register(apiRegistry, {
  id: "PageLimitReason",
  description: "memory: the compute child's memory ceiling (WORKER_MAX_CHILD_RSS_MB); timeout: PAGE_TIMEOUT_SECONDS",
});
const degradedSchema = z
  .object({ reason: pageLimitReasonSchema, dpi: z.number().positive().describe("The resolution the page was rendered at") })
  .describe("The page crossed a limit and was processed again at a reduced budget: half the dpi, embedded images above 12 Mpx left out");
const skippedSchema = z
  .object({ reason: pageLimitReasonSchema })
  .describe("The page crossed a limit at the reduced budget too: it has no image, size or detections");

/** documents/{id}/pages/{n}.json: @pagewise/core's `PageResult`, validated. */
export const pageResultSchema = z.object({
  number: z.number().int().min(1),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  scale: z.number().positive(),
  rotation: z.number().int(),
  detector: z.string(),
  detections: z.array(detectionSchema),
  degraded: degradedSchema.optional(),
});

/** A skipped page as the API and the JSON export give it: @pagewise/core's `SkippedPage`. */
export const skippedPageSchema = z
  .object({ number: z.number().int().min(1), detections: z.tuple([]), skipped: skippedSchema })
  .register(apiRegistry, { id: "SkippedPage" });

/**
 * Compile-time proof that the schemas describe exactly the types the worker writes: a field added to one side only
 * fails the build.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
type _ResultSchemasMatchCore =
  | Holds<Same<z.infer<typeof detectionSchema>, Detection>>
  | Holds<Same<z.infer<typeof pageResultSchema>, PageResult>>
  | Holds<Same<z.infer<typeof skippedPageSchema>, SkippedPage>>;

// ---- requests -----------------------------------------------------------------------------------------------

/** Strict integers (below), for the OpenAPI document (openapi/json-schema.ts): their published form. */
export const integerParams = z.registry<{ minimum: number; maximum: number; description: string }>();

export const idParams = z.object({ id: z.uuid().describe("Document id") });

/**
 * Whole numbers in a path or query exactly as people write them: decimal digits without a sign, a leading zero,
 * an exponent or a radix prefix ("0x1", "1e0" and "+1" are not 1), and within [min, max] (so a value never reaches
 * the database as an integer it cannot hold). Published as an integer.
 */
function strictInteger(min: number, max: number, description: string) {
  return z
    .string()
    .regex(/^(0|[1-9][0-9]{0,15})$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .register(integerParams, { minimum: min, maximum: max, description });
}

/** PostgreSQL's integer: the largest page number a query may carry. */
const MAX_INT4 = 2 ** 31 - 1;
export const pageParams = idParams.extend({ n: strictInteger(1, MAX_INT4, "Page number, from 1") });

export const listQuery = z.object({
  limit: strictInteger(1, 100, "Page size, 1 to 100").default(20),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous answer"),
});

const MAX_WAIT_SECONDS = 60;
export const documentQuery = z.object({
  wait: strictInteger(0, MAX_WAIT_SECONDS, "Long-poll: answer when status or pagesDone changes, or after this many seconds (0 to 60)").default(0),
  since: z
    .string()
    .regex(/^[a-z]+:(0|[1-9][0-9]{0,9})$/)
    .optional()
    .describe('With wait: the state the client already has, as "status:pagesDone" (e.g. "processing:3"); default: the state when the request arrives'),
});

/** C0 and C1 control characters and DEL: never part of a title or a file name (PostgreSQL refuses NUL in text). */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
export const MAX_TITLE_LENGTH = 500;
const noControlCharacters = (value: string) => !CONTROL_CHARACTERS.test(value);
/** A document's title as a client sends it. A title taken from the file name is cut to the same length. */
const titleSchema = z.string().trim().min(1).max(MAX_TITLE_LENGTH).refine(noControlCharacters);
/** A file name as a client sends it (stored, cut to MAX_TITLE_LENGTH). */
export const filenameSchema = z.string().refine(noControlCharacters);

/** A webhook target as a client sends it (where it resolves to is checked separately: webhook-target.ts). */
export const callbackUrlSchema = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol))
  .describe("http(s) URL that receives this document's signed webhook events (else WEBHOOK_URL)");
/** Hours until the document is deleted (retention); at most RETENTION_HOURS when that is set. */
export const expiresInHoursSchema = z.number().positive().max(10 * 365 * 24).describe("Delete the document this many hours after upload (at most RETENTION_HOURS when that is set)");

/** Multipart fields of POST /api/documents besides the file. */
export const uploadFields = z.object({
  title: titleSchema.optional(),
  ocr: z.stringbool().optional().describe('"true": recognise the text of each text detection (adds text and textScore)'),
  callbackUrl: callbackUrlSchema.optional(),
  webhookPages: z.stringbool().optional().describe('"true": also send a document.page event per page'),
  expiresInHours: z.coerce.number().pipe(expiresInHoursSchema).optional(),
  reuse: z
    .stringbool()
    .optional()
    .describe('"true": when a succeeded document has the same bytes (sha256), detector, DPI and OCR setting, answer 201 at once with a new document holding copies of its results (reusedFrom)'),
});
/** POST /api/uploads: announce a direct-to-S3 upload. */
export const directUploadRequest = z
  .object({
    filename: z.string().trim().min(1).max(MAX_TITLE_LENGTH).refine(noControlCharacters),
    contentType: z
      .enum(["application/pdf", "image/png", "image/jpeg", "image/webp", "image/tiff"])
      .describe("The file's type (the server goes by its first bytes); the PUT must send the same"),
    size: z.number().int().min(1).describe("Bytes the client will PUT; the presigned URL is bound to it"),
  })
  .register(apiRegistry, { id: "DirectUploadRequest" });

/** JSON body of POST /api/documents after a direct upload. */
export const documentFromUploadBody = z
  .object({
    uploadId: z.uuid(),
    title: titleSchema.optional(),
    ocr: z.boolean().optional(),
    callbackUrl: callbackUrlSchema.optional(),
    webhookPages: z.boolean().optional(),
    expiresInHours: expiresInHoursSchema.optional(),
    reuse: z.boolean().optional().describe("true: reuse a succeeded document's results when bytes, detector, DPI and OCR match (201)"),
  })
  .register(apiRegistry, { id: "DocumentFromUpload" });

/** The `Idempotency-Key` header of POST /api/documents: the same key answers with the same document. */
export const idempotencyKey = z
  .string()
  .trim()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7e]+$/)
  .optional();

// ---- responses ----------------------------------------------------------------------------------------------

export const directUploadSchema = z
  .object({
    uploadId: z.uuid(),
    url: z.string().describe("Presigned PUT URL: send the file there with the same Content-Type and Content-Length"),
    method: z.literal("PUT"),
    headers: z.record(z.string(), z.string()).describe("Headers the PUT must carry"),
    expiresAt: z.iso.datetime({ offset: true }),
  })
  .register(apiRegistry, { id: "DirectUpload" });

const errorCodeSchema = z
  .enum(Object.keys(apiErrors) as [ApiErrorCode, ...ApiErrorCode[]])
  .register(apiRegistry, { id: "ErrorCode", description: "The API's error codes (apps/web/src/api-errors.ts)" });

export const errorSchema = z
  .object({ error: z.object({ code: errorCodeSchema, message: z.string() }).strict() })
  .strict()
  .register(apiRegistry, { id: "Error", description: "Every 4xx/5xx answer" });

const documentStatusSchema = z
  .enum(["queued", "processing", "succeeded", "failed", "cancelled"])
  .register(apiRegistry, { id: "DocumentStatus" });

const failureSchema = z.object({ code: z.string(), message: z.string() });
const isoDate = z.iso.datetime({ offset: true });

const webhookSummarySchema = z
  .object({
    state: z.enum(["pending", "retrying", "delivered", "failed"]).nullable().describe("null: no event yet"),
    attempts: z.number().int(),
    lastStatus: z.number().int().nullable().describe("The receiver's HTTP status; null when none (network error, refused)"),
    lastAttemptAt: isoDate.nullable(),
  })
  .register(apiRegistry, { id: "WebhookSummary" });

const documentSummarySchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    filename: z.string(),
    status: documentStatusSchema,
    pageCount: z.number().int().nullable(),
    pagesDone: z
      .number()
      .int()
      .describe("How many pages are recorded (the length of `pages`), not the highest page: the page ranges of a split document finish in any order"),
    detector: z.string().nullable(),
    ocr: z.boolean(),
    reusedFrom: z.uuid().nullable().describe("The document whose results were copied into this one (upload with reuse=true)"),
    error: failureSchema.nullable(),
    createdAt: isoDate,
    startedAt: isoDate.nullable(),
    finishedAt: isoDate.nullable(),
    expiresAt: isoDate.nullable().describe("When retention deletes the document; null = kept until deleted"),
    webhook: webhookSummarySchema.nullable().describe("The last webhook delivery; null when the document has no webhook target"),
    url: z.string(),
  })
  .register(apiRegistry, { id: "DocumentSummary" });

const pageLinksSchema = z
  .object({
    number: z.number().int().min(1),
    width: z.number().int(),
    height: z.number().int(),
    scale: z.number().describe("Page image pixels per PDF point"),
    detections: z.number().int().describe("Number of detections"),
    imageUrl: z.string().describe("Annotated PNG (presigned when stored in S3)"),
    jsonUrl: z.string().describe("The page's result JSON (presigned when stored in S3)"),
    degraded: degradedSchema.optional(),
  })
  .register(apiRegistry, { id: "PageLinks" });

/** A skipped page in a document's page list: no image, results or size. */
const skippedPageLinksSchema = z
  .object({ number: z.number().int().min(1), detections: z.literal(0), skipped: skippedSchema })
  .register(apiRegistry, { id: "SkippedPageLinks" });

/** A queued or processing document's place in the queue and estimates (live/queue-estimates.ts). */
const queueInfoSchema = z
  .object({
    ahead: z.number().int().min(0).optional().describe("Queued only: documents ahead of this one (queued before it, or processing)"),
    estimatedStartAt: isoDate.nullable().optional().describe("Queued only: when a worker should start on it"),
    estimatedFinishAt: isoDate.nullable().describe("When it should be finished (null: no recent throughput to go by)"),
    pagesPerSecond: z.number().nullable().describe("The workers' throughput over the last 10 minutes, which the estimates use"),
  })
  .register(apiRegistry, { id: "QueueInfo", description: "Present while the document is queued or processing" });

export const documentSchema = documentSummarySchema
  .extend({
    pages: z.array(z.union([pageLinksSchema, skippedPageLinksSchema])),
    queue: queueInfoSchema.optional(),
  })
  .register(apiRegistry, { id: "Document" });

export const documentListSchema = z
  .object({ items: z.array(documentSummarySchema), nextCursor: z.string().nullable() })
  .register(apiRegistry, { id: "DocumentList" });

const detectionResponseSchema = detectionSchema.register(apiRegistry, { id: "Detection" });

const pageDetailSchema = pageResultSchema
  .extend({
    detections: z.array(detectionResponseSchema),
    pointsPerPixel: z.number(),
    imageUrl: z.string(),
    jsonUrl: z.string(),
  })
  .register(apiRegistry, { id: "PageResult" });

/** GET /api/documents/{id}/pages/{n}: a processed page, or a skipped one. */
export const pageAnswerSchema = z
  .union([pageDetailSchema, skippedPageSchema])
  .register(apiRegistry, { id: "PageAnswer", description: "A processed page, or a page skipped at a limit (skipped: { reason })" });

export const clientConfigSchema = z
  .object({
    directUpload: z.boolean().describe("true: upload with POST /api/uploads and a presigned PUT, else multipart"),
    maxUploadBytes: z.number().int(),
    authRequired: z.boolean().describe("true: /api routes need Authorization: Bearer <API_KEY>"),
    storage: z.enum(["local", "s3"]),
  })
  .register(apiRegistry, { id: "ClientConfig" });

/** Compile-time proof that the browser page's types (@pagewise/core/api-types) are the API's answers. */
type _ResponseSchemasMatchCore =
  | Holds<Same<z.infer<typeof failureSchema>, Failure>>
  | Holds<Same<z.infer<typeof documentSummarySchema>, DocumentSummary>>
  | Holds<Same<z.infer<typeof pageLinksSchema>, PageLinks>>
  | Holds<Same<z.infer<typeof skippedPageLinksSchema>, SkippedPageLinks>>
  | Holds<Same<z.infer<typeof documentSchema>, DocumentDetail>>
  | Holds<Same<z.infer<typeof clientConfigSchema>, ClientConfig>>;

/** Server-Sent Events of GET /api/documents/{id}/events. */
export const progressEventSchema = z
  .object({ page: z.number().int().min(0), of: z.number().int().min(0) })
  .register(apiRegistry, { id: "ProgressEvent", description: 'SSE "progress": pages done of the page count' });
export const statusEventSchema = z
  .object({ status: documentStatusSchema, error: failureSchema.optional() })
  .register(apiRegistry, { id: "StatusEvent", description: 'SSE "status": the document status, with the error when failed' });

export const healthSchema = z.object({ status: z.string() }).register(apiRegistry, { id: "Health" });
