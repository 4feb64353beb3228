import { randomUUID } from "node:crypto";
import express, { type Request, type RequestHandler, type Response } from "express";
import { SNIFF_BYTES, storageKeys } from "@pagewise/core";
import { isUniqueViolation, webTransitions, type Document, type NewDocument } from "@pagewise/db";
import { documentFromUploadBody, filenameSchema, idempotencyKey, uploadFields } from "../api-schemas";
import type { AppDeps } from "../deps";
import { apiError } from "../http-error";
import { answerReused, createReusedDocument, findReusable, storedSha256 } from "../reuse";
import { sourceKindOr4xx, storedSourceOf, type StoredSource } from "../source-storage";
import { cutToTitleLength, multipartPdf, requestFingerprint, titleFromFilename } from "../upload";
import { parse } from "../validate";
import { uploadOptions, type UploadOptions } from "../upload-options";
import { uploadsInFlight } from "../uploads-in-flight";
import { enqueueAndAnswer, replay } from "./admit-document";

const noPolicy = { webhooksEnabled: false, allowPrivateWebhooks: false };
/** Made once: a zod schema built per request costs more CPU than parsing with it (docs/benchmarks.md, issue 20). */
const titleField = uploadFields.pick({ title: true });

/**
 * The new fields count in the Idempotency-Key fingerprint only when given (an expiry is compared as asked, not as
 * the time it gives), so fingerprints of requests without them stay what they were.
 */
function fingerprintOf(options: { callbackUrl: string | null; webhookPages: boolean }): Record<string, string | boolean> {
  return {
    ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
    ...(options.webhookPages ? { webhookPages: true } : {}),
  };
}

/** A new document's row: its source, the title given (else one from the file name), the idempotency key, the options. */
function newDocument(
  source: Pick<NewDocument, "id" | "filename" | "sourceKey" | "sourceBytes" | "sourceSha256" | "ocr">,
  title: string | undefined,
  idempotency: { key: string; fingerprint: string } | undefined,
  options: UploadOptions,
): NewDocument {
  return {
    ...source,
    title: title ?? titleFromFilename(source.filename),
    idempotencyKey: idempotency?.key,
    idempotencyFingerprint: idempotency?.fingerprint,
    ...options,
  };
}

/** The request's Idempotency-Key and, with one, the fingerprint that a second use of the key must match. */
interface Idempotency {
  key: string;
  fingerprint: string;
}

/**
 * POST /api/documents, two ways in:
 * - multipart: the file in the field "file" (a PDF, or a PNG, JPEG, WebP or TIFF image, told by its first bytes),
 *   optional "title", "ocr" ("true") and "reuse" ("true"). The file is streamed to storage as it arrives, under the
 *   key of a new document id (source-storage.ts), then the row is written, then the job is enqueued, in that order;
 *   a request that writes no row takes its stored file with it, before it answers (housekeeping sweeps what a
 *   crash leaves between the two).
 * - JSON { uploadId, title?, ocr? } after a direct-to-S3 upload (POST /api/uploads): the object's size and magic
 *   bytes are checked in the bucket before the row is written and the job enqueued.
 * With reuse=true, a succeeded document made from the same bytes with the same detector, DPI and OCR setting answers
 * at once (201): a new document holding copies of its results, marked reusedFrom (reuse.ts).
 * With an `Idempotency-Key` header the same key and the same request (file and fields, by sha256) answer with the
 * same document and enqueue once; the same key with a different request is a 422, as Stripe does.
 * At most `limits.maxUploadsInFlight` multipart uploads are received at once; one more is a 503 `busy`.
 */
export function createDocumentHandlers(deps: AppDeps): RequestHandler[] {
  const accept: RequestHandler = async (req, res) => {
    const file = storedSourceOf(req);
    if (file) return fromMultipart(req, res, deps, file);
    const key = parse(idempotencyKey, req.get("idempotency-key"), () => apiError("bad_idempotency_key"));
    if (req.is("application/json")) return fromDirectUpload(req, res, deps, key);
    throw apiError("missing_file");
  };
  return [uploadsInFlight(deps.slots.uploads), multipartPdf(deps.store, deps.limits.maxUploadBytes), express.json({ limit: "16kb" }), accept];
}

/** The document an earlier request with this key made: replayed when it was the same request, else a 422. */
async function replayIfKnown(res: Response, deps: AppDeps, idempotency: Idempotency | undefined): Promise<boolean> {
  if (!idempotency) return false;
  const existing = await deps.documents.findByIdempotencyKey(idempotency.key);
  if (!existing) return false;
  await replaySameRequest(res, deps, existing, idempotency);
  return true;
}

async function replaySameRequest(res: Response, deps: AppDeps, existing: Document, idempotency: Idempotency): Promise<void> {
  // Documents made before fingerprints were kept have none: they replay as they always did.
  if (existing.idempotencyFingerprint && existing.idempotencyFingerprint !== idempotency.fingerprint) throw apiError("idempotency_key_reused");
  await replay(res, deps, existing);
}

/** What a multipart upload comes to: a new row to enqueue, a reused document, or an earlier request's document. */
type MultipartOutcome =
  | { created: Document }
  | { reused: Document }
  | { replay: Document; idempotency: Idempotency };

/**
 * The multipart way, once the file is stored (its id, key, size, sha256 and kind from the storage engine). Unless a
 * row now owns the stored file, it is removed before the answer: a bad field, a replayed Idempotency-Key, a row
 * that could not be written.
 */
async function fromMultipart(req: Request, res: Response, deps: AppDeps, file: StoredSource): Promise<void> {
  const discard = () =>
    deps.store.deletePrefix(storageKeys.documentPrefix(file.documentId)).catch((cleanup: unknown) => {
      deps.log.warn({ err: cleanup, documentId: file.documentId }, "could not remove the source of a document that was not created; housekeeping will");
    });
  let outcome: MultipartOutcome;
  try {
    outcome = await multipartRow(req, deps, file);
  } catch (error) {
    await discard();
    throw error;
  }
  if ("replay" in outcome) {
    await discard();
    return replaySameRequest(res, deps, outcome.replay, outcome.idempotency);
  }
  if ("reused" in outcome) return answerReused(res, deps, outcome.reused);
  await enqueueAndAnswer(res, deps, outcome.created);
}

/** Checks the fields and writes the row that takes the stored file (none for an Idempotency-Key already used). */
async function multipartRow(req: Request, deps: AppDeps, file: StoredSource): Promise<MultipartOutcome> {
  const key = parse(idempotencyKey, req.get("idempotency-key"), () => apiError("bad_idempotency_key"));
  const ocr = parse(uploadFields.shape.ocr, req.body?.ocr, () => apiError("bad_ocr")) ?? false;
  const options = await uploadOptions(req.body ?? {}, deps.uploadPolicy ?? noPolicy, true);
  const reuse = parse(uploadFields.shape.reuse, req.body?.reuse, () => apiError("bad_reuse")) ?? false;
  const fields = parse(titleField, { title: req.body?.title }, () => apiError("bad_title"));
  const given = parse(filenameSchema, (req.file as Express.Multer.File).originalname || "document.pdf", () => apiError("bad_filename"));
  const filename = cutToTitleLength(given);
  const idempotency = key && {
    key,
    // reuse is left out: the same file and fields make the same document either way.
    fingerprint: requestFingerprint({
      way: "multipart",
      file: file.sha256,
      filename,
      title: fields.title ?? null,
      ocr,
      ...fingerprintOf(options),
    }),
  };
  const earlier = idempotency ? await deps.documents.findByIdempotencyKey(idempotency.key) : null;
  if (idempotency && earlier) return { replay: earlier, idempotency };
  const reusable = reuse ? await findReusable(deps, file.sha256, ocr) : null;
  const input = newDocument(
    { id: file.documentId, filename, sourceKey: file.sourceKey, sourceBytes: file.size, sourceSha256: file.sha256, ocr },
    fields.title,
    idempotency || undefined,
    options,
  );
  try {
    const reused = reusable && (await createReusedDocument(deps, input, reusable));
    if (reused) return { reused };
    return { created: await deps.documents.create(input) };
  } catch (error) {
    // A concurrent request with the same key won: answer with its document.
    if (!idempotency || !isUniqueViolation(error)) throw error;
    return { replay: (await deps.documents.findByIdempotencyKey(idempotency.key))!, idempotency };
  }
}

async function fromDirectUpload(req: Request, res: Response, deps: AppDeps, key: string | undefined): Promise<void> {
  const given: unknown = req.body;
  const options = await uploadOptions(typeof given === "object" && given !== null ? given : {}, deps.uploadPolicy ?? noPolicy, false);
  const body = parse(documentFromUploadBody, req.body, () =>
    apiError("bad_request", { reason: 'send JSON { "uploadId", "title"?, "ocr"?, "reuse"? } after POST /api/uploads, or a multipart upload' }),
  );
  const idempotency = key && {
    key,
    fingerprint: requestFingerprint({
      way: "upload",
      uploadId: body.uploadId.toLowerCase(),
      title: body.title ?? null,
      ocr: body.ocr ?? false,
      ...fingerprintOf(options),
    }),
  };
  if (await replayIfKnown(res, deps, idempotency || undefined)) return;
  const upload = await deps.uploads?.find(body.uploadId);
  if (!upload) throw apiError("unknown_upload");
  if (upload.documentId) {
    const existing = await deps.documents.find(upload.documentId);
    if (existing) return replay(res, deps, existing);
  }
  if (upload.expiresAt.getTime() < Date.now()) throw apiError("upload_expired");
  const stored = await deps.store.head(upload.objectKey);
  if (!stored) throw apiError("upload_incomplete");
  if (stored.size > deps.limits.maxUploadBytes) throw apiError("file_too_large", { limit: deps.limits.maxUploadBytes });
  if (stored.size !== upload.size) throw apiError("size_mismatch", { actual: stored.size, announced: upload.size });
  sourceKindOr4xx(await deps.store.readStart(upload.objectKey, SNIFF_BYTES));
  const ocr = body.ocr ?? false;
  // Hashing reads the object back from the bucket: done here only when the client asked for reuse; otherwise the
  // worker records the hash as it reads the bytes anyway.
  const sourceSha256 = body.reuse ? await storedSha256(deps, upload.objectKey) : undefined;
  const reusable = sourceSha256 ? await findReusable(deps, sourceSha256, ocr) : null;

  const id = randomUUID();
  const input = newDocument(
    { id, filename: upload.filename, sourceKey: upload.objectKey, sourceBytes: stored.size, sourceSha256, ocr },
    body.title,
    idempotency || undefined,
    options,
  );
  let consumedBy: string | null;
  try {
    if (reusable) {
      let reusedId: string | null = null;
      const reused = await createReusedDocument(deps, input, reusable, async (_documents, pages) => {
        reusedId = await deps.uploads!.consume(upload.id, (tx) => webTransitions.createReused(tx, input, reusable, pages));
        return reusedId === null ? null : deps.documents.find(id);
      });
      if (reused) return await answerReused(res, deps, reused);
      if (reusedId === null && (await deps.uploads!.find(upload.id))?.documentId) return await replayConsumed(res, deps, upload.id);
    }
    consumedBy = await deps.uploads!.consume(upload.id, (tx) => webTransitions.create(tx, input));
  } catch (error) {
    if (!idempotency || !isUniqueViolation(error)) throw error;
    return replaySameRequest(res, deps, (await deps.documents.findByIdempotencyKey(idempotency.key))!, idempotency);
  }
  if (consumedBy === null) return replayConsumed(res, deps, upload.id);
  await enqueueAndAnswer(res, deps, (await deps.documents.find(id))!);
}

/** Another request turned this upload into a document first: answer with that one. */
async function replayConsumed(res: Response, deps: AppDeps, uploadId: string): Promise<void> {
  const winner = (await deps.uploads!.find(uploadId))?.documentId;
  const existing = winner ? await deps.documents.find(winner) : null;
  if (!existing) throw apiError("upload_consumed");
  return replay(res, deps, existing);
}
