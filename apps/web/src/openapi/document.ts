import { z } from "zod";
import { apiErrors, type ApiErrorCode } from "../api-errors";
import {
  clientConfigSchema,
  directUploadRequest,
  directUploadSchema,
  documentFromUploadBody,
  documentListSchema,
  documentQuery,
  documentSchema,
  errorSchema,
  healthSchema,
  idempotencyKey,
  idParams,
  listQuery,
  pageAnswerSchema,
  pageParams,
  progressEventSchema,
  statusEventSchema,
  uploadFields,
} from "../api-schemas";
import { exportQuery } from "../routes/export";
import { componentSchemas, parametersOf, schemaOrRef } from "./json-schema";

/** Who may call an operation: anyone, the API key's holder (when API_KEY is set), or the dashboard's admin. */
type Access = "open" | "apiKey" | "admin";

export interface Operation {
  operationId: string;
  method: "get" | "post" | "delete";
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: Array<{ name: string; schema: z.ZodType; description: string }>;
  /** Request bodies by content type (several when a route accepts more than one). */
  body?: Record<string, Record<string, unknown>>;
  /** Success answers. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string; raw?: Record<string, unknown> }>;
  /** The error codes (api-errors.ts) the route itself answers, if any; their statuses come from the list. */
  errors?: ApiErrorCode[];
}

const documentsPath = "/api/documents";
const documentPath = `${documentsPath}/{id}`;

/**
 * Every route this app serves. Request and response schemas are the ones the routes use, and error answers are
 * built from the typed list of error codes, so the document cannot drift from the code. The tests lint it with
 * Redocly's recommended rules and fuzz the API from it.
 */
export const operations: Operation[] = [
  {
    operationId: "createDocument", method: "post", path: documentsPath,
    summary: "Upload a PDF (multipart, or JSON after a direct upload); 202 with the queued document and its Location",
    tag: "documents", access: "apiKey",
    headers: [
      {
        name: "Idempotency-Key",
        schema: idempotencyKey,
        description: "The same key and the same request (file and fields) answer with the same document and enqueue once; the same key with a different request is a 422",
      },
    ],
    body: {
      "multipart/form-data": {
        type: "object",
        required: ["file"],
        properties: {
          file: { type: "string", description: "A PDF, or a PNG, JPEG, WebP or (multi-page) TIFF image: told by its first bytes; each image or TIFF frame is a page" },
          ...(schemaOrRef(uploadFields, "input").properties as object),
        },
      },
      "application/json": schemaOrRef(documentFromUploadBody, "input"),
    },
    responses: {
      201: { description: "reuse=true and a succeeded document matched: a new, already succeeded document holding copies of its results (reusedFrom)", schema: documentSchema },
      202: { description: "Accepted and queued (or replayed: `Idempotent-Replayed: true`)", schema: documentSchema },
    },
    errors: [
      "bad_request",
      "bad_json",
      "bad_encoding",
      "bad_upload",
      "bad_title",
      "bad_filename",
      "bad_ocr",
      "bad_callback_url",
      "callback_url_refused",
      "bad_expires_in",
      "bad_webhook_pages",
      "webhooks_unavailable",
      "bad_reuse",
      "bad_idempotency_key",
      "missing_file",
      "empty_file",
      "size_mismatch",
      "unknown_upload",
      "upload_incomplete",
      "upload_consumed",
      "upload_expired",
      "file_too_large",
      "body_too_large",
      "not_pdf",
      "unsupported_encoding",
      "idempotency_key_reused",
      "busy",
      "queue_unavailable",
    ],
  },
  {
    operationId: "createUpload", method: "post", path: "/api/uploads",
    summary: "Announce a direct-to-S3 upload: answers a presigned PUT URL; then POST /api/documents { uploadId }",
    tag: "documents", access: "apiKey",
    body: { "application/json": schemaOrRef(directUploadRequest, "input") },
    responses: { 201: { description: "Where to PUT the file", schema: directUploadSchema } },
    errors: ["bad_json", "bad_encoding", "bad_upload_request", "direct_upload_unavailable", "file_too_large", "body_too_large", "unsupported_encoding"],
  },
  {
    operationId: "listDocuments", method: "get", path: documentsPath,
    summary: "List documents, newest first",
    tag: "documents", access: "apiKey",
    query: listQuery,
    responses: { 200: { description: "A page of documents", schema: documentListSchema } },
    errors: ["bad_query", "bad_cursor"],
  },
  {
    operationId: "getDocument", method: "get", path: documentPath,
    summary: "A document with its pages; with wait, a long-poll until status or pagesDone changes",
    tag: "documents", access: "apiKey",
    params: idParams,
    query: documentQuery,
    responses: { 200: { description: "The document (ETag; 304 to a matching If-None-Match)", schema: documentSchema } },
    errors: ["bad_query", "not_found", "busy"],
  },
  {
    operationId: "streamDocumentEvents", method: "get", path: `${documentPath}/events`,
    summary: "Live progress as Server-Sent Events: `status` first, then `progress` and `status` as they change",
    tag: "documents", access: "apiKey",
    params: idParams,
    responses: {
      200: {
        description: "text/event-stream with events `status` (StatusEvent) and `progress` (ProgressEvent), and `:` heartbeat comments",
        contentType: "text/event-stream",
        raw: { oneOf: [schemaOrRef(statusEventSchema), schemaOrRef(progressEventSchema)] },
      },
    },
    errors: ["not_found", "busy"],
  },
  {
    operationId: "deleteDocument", method: "delete", path: documentPath,
    summary: "Delete a document: cancelled first when queued or processing, then its rows and every stored object; 404 afterwards",
    tag: "documents", access: "apiKey",
    params: idParams,
    responses: { 204: { description: "Deleted (objects a failed storage call left are deleted by housekeeping)" } },
    errors: ["not_found"],
  },
  {
    operationId: "cancelDocument", method: "post", path: `${documentPath}/cancel`,
    summary: "Cancel a queued or processing document (pages done so far are kept)",
    tag: "documents", access: "apiKey",
    params: idParams,
    responses: { 200: { description: "The document", schema: documentSchema } },
    errors: ["not_found", "not_cancellable"],
  },
  {
    operationId: "retryDocument", method: "post", path: `${documentPath}/retry`,
    summary: "Queue a failed or cancelled document again; it resumes after the pages already done",
    tag: "documents", access: "apiKey",
    params: idParams,
    responses: { 202: { description: "Queued again", schema: documentSchema } },
    errors: ["not_found", "not_retryable", "still_running", "queue_unavailable"],
  },
  {
    operationId: "getPage", method: "get", path: `${documentPath}/pages/{n}`,
    summary: "One processed page: size, scale, detections, image and JSON URLs",
    tag: "documents", access: "apiKey",
    params: pageParams,
    responses: { 200: { description: "The page's result, or the page skipped at a limit", schema: pageAnswerSchema } },
    errors: ["not_found"],
  },
  {
    operationId: "exportDocument", method: "get", path: `${documentPath}/export`,
    summary: "The whole document as one download, page by page from storage: JSON, or COCO detection format",
    tag: "documents", access: "apiKey",
    params: idParams,
    query: exportQuery,
    responses: {
      200: {
        description: "json: { document, pages: [PageResult...] }; coco: { info, licenses, images, annotations, categories } (Content-Disposition: attachment)",
        raw: { type: "object" },
      },
    },
    errors: ["bad_query", "not_found", "not_finished"],
  },
  {
    operationId: "getFile", method: "get", path: "/api/files/{key}",
    summary: "A stored result file (annotated PNG, page JSON) under documents/<id>/, when storage is local (S3 URLs are presigned)",
    tag: "documents", access: "apiKey",
    params: z.object({ key: z.string().describe("The storage key, slash-separated, as in imageUrl and jsonUrl: documents/<id>/pages/<n>.png") }),
    responses: {
      200: {
        description: "The file",
        contentType: "application/octet-stream",
        raw: { type: "string", contentMediaType: "application/octet-stream" },
      },
    },
    errors: ["bad_request", "not_found"],
  },
  {
    operationId: "getClientConfig", method: "get", path: "/api/config",
    summary: "What the browser page needs: upload mode, size limit, whether an API key is required",
    tag: "meta", access: "open",
    responses: { 200: { description: "Client configuration", schema: clientConfigSchema } },
  },
  {
    operationId: "getOpenApiDocument", method: "get", path: "/api/openapi.json",
    summary: "This document",
    tag: "meta", access: "open",
    responses: { 200: { description: "OpenAPI 3.1", raw: { type: "object" } } },
  },
  {
    operationId: "getHealth", method: "get", path: "/healthz",
    summary: "Liveness",
    tag: "meta", access: "open",
    responses: { 200: { description: "The process is up", schema: healthSchema } },
  },
  {
    operationId: "getReadiness", method: "get", path: "/readyz",
    summary: "Readiness: PostgreSQL and Redis answer",
    tag: "meta", access: "open",
    responses: { 200: { description: "Ready", schema: healthSchema } },
    errors: ["not_ready"],
  },
  {
    operationId: "getMetrics", method: "get", path: "/metrics",
    summary: "Prometheus metrics",
    tag: "meta", access: "apiKey",
    responses: { 200: { description: "Prometheus text format", contentType: "text/plain", raw: { type: "string" } } },
    errors: ["metrics_unavailable"],
  },
  {
    operationId: "getWebPage", method: "get", path: "/",
    summary: "The web page: upload, live progress, annotated pages (it asks for the API key when one is set)",
    tag: "meta", access: "open",
    responses: { 200: { description: "HTML", contentType: "text/html", raw: { type: "string" } } },
    errors: ["not_found"],
  },
  {
    operationId: "getQueueDashboard", method: "get", path: "/admin/queues",
    summary: "bull-board's queue dashboard (only when ADMIN_USER and ADMIN_PASSWORD are set; a 404 otherwise)",
    tag: "meta", access: "admin",
    responses: { 200: { description: "HTML", contentType: "text/html", raw: { type: "string" } } },
    errors: ["unauthorized", "not_found"],
  },
];

const UNSAFE = new Set(["post", "put", "patch", "delete"]);

/** The error codes an operation can answer: its own, plus those every route of its kind shares. */
export function errorCodesOf(op: Operation, authRequired: boolean): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>(op.errors ?? []);
  if ((op.access === "apiKey" && authRequired) || op.access === "admin") codes.add("unauthorized");
  if (UNSAFE.has(op.method)) codes.add("cross_site_request");
  codes.add("headers_too_large"); // any request, answered before routing (server.ts)
  codes.add("request_timeout");
  return [...codes];
}

function errorResponses(codes: ApiErrorCode[]): Record<string, unknown> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) byStatus.set(apiErrors[code].status, [...(byStatus.get(apiErrors[code].status) ?? []), code]);
  const out: Record<string, unknown> = {};
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      description: list.map((code) => `\`${code}\`: ${apiErrors[code].message}`).join("\n\n"),
      content: { "application/json": { schema: schemaOrRef(errorSchema) } },
    };
  }
  return out;
}

const SECURITY: Record<Access, Array<Record<string, string[]>>> = {
  open: [],
  apiKey: [{ apiKey: [] }],
  admin: [{ adminBasic: [] }],
};

function operationObject(op: Operation, authRequired: boolean) {
  const parameters = [
    ...(op.params ? parametersOf(op.params, "path") : []),
    ...(op.query ? parametersOf(op.query, "query") : []),
    ...(op.headers ?? []).map((h) => ({ name: h.name, in: "header", required: false, description: h.description, schema: schemaOrRef(h.schema, "input") })),
  ];
  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const schema = r.raw ?? (r.schema ? schemaOrRef(r.schema) : undefined);
    responses[status] = { description: r.description, ...(schema ? { content: { [r.contentType ?? "application/json"]: { schema } } } : {}) };
  }
  Object.assign(responses, errorResponses(errorCodesOf(op, authRequired)));
  // With API_KEY unset the API is open: no requirement ({}) is enough, and a key sent anyway does no harm.
  const security = op.access === "apiKey" && !authRequired ? [{}, ...SECURITY.apiKey] : SECURITY[op.access];
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: Object.fromEntries(Object.entries(op.body).map(([type, schema]) => [type, { schema }])) } }
      : {}),
    responses,
    security,
  };
}

/** The OpenAPI 3.1 document; `authRequired` (API_KEY set) makes the API key required where it applies. */
export function openApiDocument(options: { authRequired: boolean; version?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operationObject(op, options.authRequired);
  return {
    openapi: "3.1.0",
    info: {
      title: "Pagewise API",
      version: options.version ?? "0.1.0",
      description: "Upload PDFs; a worker detects text on each page; follow progress live and fetch annotated pages and JSON.",
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    servers: [{ url: "/", description: "This server (the document is served by the instance it describes)" }],
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    tags: [
      { name: "documents", description: "Uploads, status, results" },
      { name: "meta", description: "Configuration, probes, metrics, the page" },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: options.authRequired
            ? "The server's API_KEY, as Authorization: Bearer <API_KEY>"
            : "The server's API_KEY, as Authorization: Bearer <API_KEY>; this server has none set, so it is not required",
        },
        adminBasic: { type: "http", scheme: "basic", description: "ADMIN_USER and ADMIN_PASSWORD" },
      },
    },
    security: options.authRequired ? SECURITY.apiKey : [{}, ...SECURITY.apiKey],
  };
}
