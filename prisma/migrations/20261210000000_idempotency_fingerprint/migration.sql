-- AlterTable
ALTER TABLE "documents" ADD COLUMN "idempotency_fingerprint" TEXT;
