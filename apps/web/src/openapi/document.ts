import type { z } from "zod";
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
import { componentSchemas, parametersOf, schemaOrRef } from "./json-schema";

interface Operation {
  method: "get" | "post";
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: Array<{ name: string; schema: z.ZodType; description: string }>;
  /** Request bodies by content type (several when a route accepts more than one). */
  body?: Record<string, Record<string, unknown>>;
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string; raw?: Record<string, unknown> }>;
  open?: boolean;
}

const error = (description: string) => ({ description, schema: errorSchema });

/**
 * The operations this app serves (routes added by other modules add their entry here). Request and response
 * schemas are the ones the routes use, so the document cannot drift from the code.
 */
export const operations: Operation[] = [
  {
    method: "post",
    path: "/api/documents",
    summary: "Upload a PDF (multipart); 202 with the queued document and its Location",
    tag: "documents",
    headers: [{ name: "Idempotency-Key", schema: idempotencyKey, description: "The same key answers with the same document (and enqueues once)" }],
    body: {
      "multipart/form-data": {
        type: "object",
        required: ["file"],
        properties: { file: { type: "string", contentMediaType: "application/pdf" }, ...(schemaOrRef(uploadFields, "input").properties as object) },
      },
      "application/json": schemaOrRef(documentFromUploadBody, "input"),
    },
    responses: {
      202: { description: "Accepted and queued", schema: documentSchema },
      400: error("empty_file, missing_file, bad_title, bad_upload, bad_request, size_mismatch"),
      404: error("unknown_upload"),
      409: error("upload_incomplete"),
      410: error("upload_expired"),
      413: error("file_too_large"),
      415: error("not_pdf"),
      503: error("queue_unavailable"),
    },
  },
  {
    method: "post",
    path: "/api/uploads",
    summary: "Announce a direct-to-S3 upload: answers a presigned PUT URL; then POST /api/documents { uploadId }",
    tag: "documents",
    body: { "application/json": schemaOrRef(directUploadRequest, "input") },
    responses: {
      201: { description: "Where to PUT the file", schema: directUploadSchema },
      400: error("bad_upload_request"),
      409: error("direct_upload_unavailable (storage is not S3)"),
      413: error("file_too_large"),
    },
  },
  {
    method: "get",
    path: "/api/documents",
    summary: "List documents, newest first",
    tag: "documents",
    query: listQuery,
    responses: { 200: { description: "A page of documents", schema: documentListSchema }, 400: error("bad_query, bad_cursor") },
  },
  {
    method: "get",
    path: "/api/documents/{id}",
    summary: "A document with its pages; with wait, a long-poll until status or pagesDone changes",
    tag: "documents",
    params: idParams,
    query: documentQuery,
    responses: { 200: { description: "The document", schema: documentSchema }, 400: error("bad_query"), 404: error("not_found") },
  },
  {
    method: "get",
    path: "/api/documents/{id}/events",
    summary: "Live progress as Server-Sent Events: `status` first, then `progress` and `status` as they change",
    tag: "documents",
    params: idParams,
    responses: {
      200: {
        description: "text/event-stream with events `status` (StatusEvent) and `progress` (ProgressEvent), and `:` heartbeat comments",
        contentType: "text/event-stream",
        raw: { oneOf: [schemaOrRef(statusEventSchema), schemaOrRef(progressEventSchema)] },
      },
      404: error("not_found"),
    },
  },
  {
    method: "post",
    path: "/api/documents/{id}/cancel",
    summary: "Cancel a queued or processing document (pages done so far are kept)",
    tag: "documents",
    params: idParams,
    responses: { 200: { description: "The document", schema: documentSchema }, 404: error("not_found"), 409: error("not_cancellable") },
  },
  {
    method: "post",
    path: "/api/documents/{id}/retry",
    summary: "Queue a failed or cancelled document again; it resumes after the pages already done",
    tag: "documents",
    params: idParams,
    responses: {
      202: { description: "Queued again", schema: documentSchema },
      404: error("not_found"),
      409: error("not_retryable, still_running"),
      503: error("queue_unavailable"),
    },
  },
  {
    method: "get",
    path: "/api/documents/{id}/pages/{n}",
    summary: "One processed page: size, scale, detections, image and JSON URLs",
    tag: "documents",
    params: pageParams,
    responses: { 200: { description: "The page's result, or the page skipped at a limit", schema: pageAnswerSchema }, 404: error("not_found") },
  },
  {
    method: "get",
    path: "/api/config",
    summary: "What the browser page needs: upload mode, size limit, whether an API key is required",
    tag: "meta",
    open: true,
    responses: { 200: { description: "Client configuration", schema: clientConfigSchema } },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    summary: "This document",
    tag: "meta",
    open: true,
    responses: { 200: { description: "OpenAPI 3.1", raw: { type: "object" } } },
  },
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness",
    tag: "meta",
    open: true,
    responses: { 200: { description: "The process is up", schema: healthSchema } },
  },
  {
    method: "get",
    path: "/readyz",
    summary: "Readiness: PostgreSQL and Redis answer",
    tag: "meta",
    open: true,
    responses: { 200: { description: "Ready", schema: healthSchema }, 503: error("not_ready") },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus metrics (needs the API key when one is set)",
    tag: "meta",
    responses: { 200: { description: "Prometheus text format", contentType: "text/plain", raw: { type: "string" } } },
  },
];

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
  if (authRequired && !op.open) responses["401"] = { description: "unauthorized", content: { "application/json": { schema: schemaOrRef(errorSchema) } } };
  return {
    summary: op.summary,
    tags: [op.tag],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? { requestBody: { required: true, content: Object.fromEntries(Object.entries(op.body).map(([type, schema]) => [type, { schema }])) } }
      : {}),
    responses,
    ...(op.open ? { security: [] } : {}),
  };
}

/** The OpenAPI 3.1 document; `authRequired` adds the bearer scheme (API_KEY set). */
export function openApiDocument(options: { authRequired: boolean; version?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) (paths[op.path] ??= {})[op.method] = operationObject(op, options.authRequired);
  return {
    openapi: "3.1.0",
    info: {
      title: "Pagewise API",
      version: options.version ?? "0.1.0",
      description: "Upload PDFs; a worker detects text on each page; follow progress live and fetch annotated pages and JSON.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      schemas: componentSchemas(),
      ...(options.authRequired ? { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } } : {}),
    },
    ...(options.authRequired ? { security: [{ bearer: [] }] } : {}),
  };
}
