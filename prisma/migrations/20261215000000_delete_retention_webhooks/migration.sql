-- Issue 18, parts 1-3: delete, retention and signed webhooks.

-- Retention: when the document is deleted by housekeeping (null = kept until deleted).
ALTER TABLE "documents" ADD COLUMN "expires_at" TIMESTAMPTZ(3);
-- Webhooks: the upload's own callback URL (else WEBHOOK_URL), whether it asked for document.page events, and the
-- last delivery (shown by the status answer without another query).
ALTER TABLE "documents" ADD COLUMN "callback_url" TEXT;
ALTER TABLE "documents" ADD COLUMN "webhook_pages" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "documents" ADD COLUMN "webhook_state" TEXT;
ALTER TABLE "documents" ADD COLUMN "webhook_attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "documents" ADD COLUMN "webhook_last_status" INTEGER;
ALTER TABLE "documents" ADD COLUMN "webhook_last_attempt_at" TIMESTAMPTZ(3);
CREATE INDEX "documents_expires_at_idx" ON "documents" ("expires_at") WHERE "expires_at" IS NOT NULL;

-- A deleted document whose stored objects may still exist: its row is gone (the API answers 404), this one stays
-- until every object under its prefixes is deleted (by DELETE itself, else by housekeeping).
CREATE TABLE "document_deletions" (
  "document_id" UUID NOT NULL,
  "prefixes" TEXT[] NOT NULL,
  "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "attempts" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "document_deletions_pkey" PRIMARY KEY ("document_id")
);

-- One webhook event for one target: its id is the `webhook-id` of every attempt. Written in the same transaction as
-- the transition it reports (an outbox): housekeeping enqueues a pending delivery whose job was lost.
CREATE TABLE "webhook_deliveries" (
  "id" TEXT NOT NULL,
  "document_id" UUID NOT NULL,
  "event" TEXT NOT NULL,
  "url" TEXT NOT NULL,
  "payload" JSONB NOT NULL,
  "state" TEXT NOT NULL DEFAULT 'pending',
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "last_status" INTEGER,
  "last_attempt_at" TIMESTAMPTZ(3),
  "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "webhook_deliveries_state" CHECK ("state" IN ('pending', 'retrying', 'delivered', 'failed'))
);
CREATE INDEX "webhook_deliveries_pending_idx" ON "webhook_deliveries" ("created_at") WHERE "state" IN ('pending', 'retrying');

-- The outbox of webhook events, written by the database itself in the transaction that makes the transition, so no
-- process can change a document without its event being recorded, and no code path can forget one:
-- status → succeeded | failed | cancelled, pages_done advancing (when the upload asked for document.page), and the
-- row's deletion. Only documents with a callback URL (the upload's, or WEBHOOK_URL when it was accepted) get events.
-- Workers hear the change on the documents channel (the trigger above) and enqueue the delivery.
CREATE OR REPLACE FUNCTION pagewise_webhook_event() RETURNS trigger AS $$
DECLARE
  doc documents;
  event TEXT;
  status TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN
    doc := OLD; event := 'document.deleted'; status := 'deleted';
  ELSIF NEW.status IS DISTINCT FROM OLD.status AND NEW.status IN ('succeeded', 'failed', 'cancelled') THEN
    doc := NEW; event := 'document.' || NEW.status::text; status := NEW.status::text;
  ELSIF NEW.webhook_pages AND NEW.pages_done > OLD.pages_done THEN
    doc := NEW; event := 'document.page'; status := NEW.status::text;
  ELSE
    RETURN NEW;
  END IF;
  IF doc.callback_url IS NULL THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  INSERT INTO webhook_deliveries (id, document_id, event, url, payload) VALUES (
    'msg_' || replace(gen_random_uuid()::text, '-', ''), doc.id, event, doc.callback_url,
    jsonb_build_object(
      'type', event,
      'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
      'data', jsonb_strip_nulls(jsonb_build_object(
        'id', doc.id, 'title', doc.title, 'status', status, 'pageCount', doc.page_count, 'pagesDone', doc.pages_done,
        'page', CASE WHEN event = 'document.page' THEN doc.pages_done END,
        'error', CASE WHEN doc.error_code IS NOT NULL THEN jsonb_build_object('code', doc.error_code, 'message', doc.error_message) END,
        'url', CASE WHEN TG_OP <> 'DELETE' THEN '/api/documents/' || doc.id END))));
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  NEW.webhook_state := 'pending';
  NEW.webhook_attempts := 0;
  NEW.webhook_last_status := NULL;
  NEW.webhook_last_attempt_at := NULL;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER documents_webhook_event
  BEFORE UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION pagewise_webhook_event();
