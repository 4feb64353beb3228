-- AlterTable
ALTER TABLE "documents" ADD COLUMN "idempotency_key" TEXT;

-- AlterTable
ALTER TABLE "pages" ADD COLUMN "annotate_ms" DOUBLE PRECISION,
ADD COLUMN "inference_ms" DOUBLE PRECISION,
ADD COLUMN "render_ms" DOUBLE PRECISION,
ADD COLUMN "upload_ms" DOUBLE PRECISION;

-- CreateIndex
CREATE UNIQUE INDEX "documents_idempotency_key_key" ON "documents"("idempotency_key");
