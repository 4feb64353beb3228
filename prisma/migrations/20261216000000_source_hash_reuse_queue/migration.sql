-- Issue 18 parts 5 and 6.
-- source_sha256: the uploaded bytes' sha256 (hex), set at upload (multipart, or direct upload with reuse=true) or by
-- the worker's preflight, which reads the bytes anyway. dpi: the render DPI the worker used (set when it claims the
-- document, with the detector). Together with detector and ocr they say whether a new upload can reuse a document.
ALTER TABLE "documents" ADD COLUMN "source_sha256" TEXT;
ALTER TABLE "documents" ADD COLUMN "dpi" INTEGER;
-- The document whose results were copied into this one (reuse=true). No foreign key: deleting the original must not
-- touch the copy, which owns copies of every object under its own storage prefix.
ALTER TABLE "documents" ADD COLUMN "reused_from" UUID;
-- Reuse looks up succeeded documents by content.
CREATE INDEX "documents_source_sha256_idx" ON "documents" ("source_sha256") WHERE "status" = 'succeeded';
-- Queue position: the queued documents created before a given one (a range over a small partial index).
CREATE INDEX "documents_queued_created_at_idx" ON "documents" ("created_at", "id") WHERE "status" = 'queued';
-- Recent throughput (pages per second over the last minutes) for the estimates: a range over the newest pages.
CREATE INDEX "pages_created_at_idx" ON "pages" ("created_at");
