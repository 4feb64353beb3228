-- AlterTable: the upload asked for OCR text on each detection (multipart field ocr=true).
ALTER TABLE "documents" ADD COLUMN "ocr" BOOLEAN NOT NULL DEFAULT false;
