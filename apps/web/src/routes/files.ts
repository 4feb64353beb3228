import { Router } from "express";
import { isSafeKey, ObjectNotFound, type ObjectStore } from "@pagewise/storage";
import { notFound } from "../http-error";

/** Serves stored objects when results live on local disk (S3 URLs are presigned and never come here). */
export function filesRouter(store: ObjectStore): Router {
  const router = Router();
  router.get("/*key", async (req, res) => {
    const raw = (req.params as { key?: string[] | string }).key;
    const key = Array.isArray(raw) ? raw.join("/") : (raw ?? "");
    if (!isSafeKey(key)) throw notFound("file");
    try {
      const { stream, size, contentType } = await store.getStream(key);
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
