import { randomUUID } from "node:crypto";
import express, { Router } from "express";
import { directUploadRequest } from "../api-schemas";
import type { WebDeps } from "../deps";
import { apiError } from "../http-error";
import { parse } from "../validate";

const directUploadKey = (uploadId: string) => `uploads/${uploadId}/source.pdf`;

/**
 * POST /api/uploads { filename, contentType, size } → { uploadId, url, method, headers, expiresAt }.
 * The client PUTs the file straight to S3 (no 30 s router limit, no bytes through the web dyno), then creates the
 * document with POST /api/documents { uploadId, title }. Only with S3 storage.
 */
export function directUploadsRouter(deps: WebDeps): Router {
  const router = Router();
  router.post("/", express.json({ limit: "16kb" }), async (req, res) => {
    const presign = deps.store.presignPut?.bind(deps.store);
    if (!presign || !deps.uploads)
      throw apiError("direct_upload_unavailable");
    const body = parse(directUploadRequest, req.body, () => apiError("bad_upload_request"));
    if (body.size > deps.limits.maxUploadBytes)
      throw apiError("file_too_large", { limit: deps.limits.maxUploadBytes });
    const id = randomUUID();
    const objectKey = directUploadKey(id);
    const ttlMs = (deps.signedUrlTtlSeconds ?? 3600) * 1000;
    const expiresAt = new Date(Date.now() + ttlMs);
    const url = await presign(objectKey, body.contentType, body.size);
    await deps.uploads.create({ id, filename: body.filename, contentType: body.contentType, size: body.size, objectKey, expiresAt });
    deps.log.info({ uploadId: id, bytes: body.size }, "direct upload announced");
    res.status(201).json({
      uploadId: id,
      url,
      method: "PUT",
      headers: { "Content-Type": body.contentType },
      expiresAt: expiresAt.toISOString(),
    });
  });
  return router;
}
