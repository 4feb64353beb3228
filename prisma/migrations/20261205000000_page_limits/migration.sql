-- A page that crossed a limit (the compute child's memory ceiling or the page time limit): processed again at a
-- reduced budget (degraded_reason), or skipped (skipped_reason): a skipped page has a row (pagesDone advances past
-- it) but no image, results, size or scale.
ALTER TABLE "pages" ADD COLUMN "degraded_reason" TEXT;
ALTER TABLE "pages" ADD COLUMN "skipped_reason" TEXT;
ALTER TABLE "pages" ALTER COLUMN "width" DROP NOT NULL;
ALTER TABLE "pages" ALTER COLUMN "height" DROP NOT NULL;
ALTER TABLE "pages" ALTER COLUMN "scale" DROP NOT NULL;
ALTER TABLE "pages" ALTER COLUMN "image_key" DROP NOT NULL;
ALTER TABLE "pages" ALTER COLUMN "json_key" DROP NOT NULL;
ALTER TABLE "pages" ADD CONSTRAINT "pages_limit_reasons" CHECK (
  ("degraded_reason" IS NULL OR "degraded_reason" IN ('memory', 'timeout'))
  AND ("skipped_reason" IS NULL OR "skipped_reason" IN ('memory', 'timeout'))
  AND ("degraded_reason" IS NULL OR "skipped_reason" IS NULL)
);
-- Either a processed page with everything, or a skipped one with none of it.
ALTER TABLE "pages" ADD CONSTRAINT "pages_skipped_or_complete" CHECK (
  CASE WHEN "skipped_reason" IS NULL
    THEN "width" IS NOT NULL AND "height" IS NOT NULL AND "scale" IS NOT NULL AND "image_key" IS NOT NULL AND "json_key" IS NOT NULL
    ELSE "width" IS NULL AND "height" IS NULL AND "scale" IS NULL AND "image_key" IS NULL AND "json_key" IS NULL
  END
);
