import { Router } from "express";
import { isSafeKey, ObjectNotFound, type ObjectStore } from "@pagewise/storage";
import { notFound } from "../http-error";

/** A document's own folder in storage: results are only ever served from `documents/<uuid>/`. */
const DOCUMENT_FILE = /^(documents\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/)[^/]/;

/**
 * Serves stored objects when results live on local disk (S3 URLs are presigned and never come here): only files in
 * a document's folder, and only when their real path stays in it (a symlink placed in DATA_DIR leads nowhere).
 */
export function filesRouter(store: ObjectStore): Router {
  const router = Router();
  router.get("/*key", async (req, res) => {
    const raw = (req.params as { key?: string[] | string }).key;
    const key = Array.isArray(raw) ? raw.join("/") : (raw ?? "");
    const folder = DOCUMENT_FILE.exec(key)?.[1];
    if (!folder || !isSafeKey(key)) throw notFound("file");
    try {
      const { stream, size, contentType } = await store.getStream(key, { within: folder });
      res.setHeader("Content-Length", String(size));
      res.setHeader("Content-Type", contentType ?? "application/octet-stream");
      res.setHeader("Cache-Control", "private, max-age=3600");
      stream.pipe(res);
    } catch (error) {
      if (error instanceof ObjectNotFound) throw notFound("file");
      throw error;
    }
  });
  return router;
}
