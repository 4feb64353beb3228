-- Issue 18 (reuse) with issue 18 part 3 (webhooks): a document created already `succeeded` (an upload with
-- reuse=true, whose results are copies of another's) reports document.succeeded like one a worker finished. The
-- outbox trigger of 20261215000000 fired on UPDATE and DELETE only, so such a document never got its event.
CREATE OR REPLACE FUNCTION pagewise_webhook_event() RETURNS trigger AS $$
DECLARE
  doc documents;
  event TEXT;
  status TEXT;
BEGIN
  IF TG_OP = 'DELETE' THEN
    doc := OLD; event := 'document.deleted'; status := 'deleted';
  ELSIF TG_OP = 'INSERT' THEN
    -- Only a row created already finished gets here (the trigger's WHEN): an upload with reuse=true.
    doc := NEW; event := 'document.' || NEW.status::text; status := NEW.status::text;
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

CREATE TRIGGER documents_webhook_event_created
  BEFORE INSERT ON documents
  FOR EACH ROW WHEN (NEW.status = 'succeeded') EXECUTE FUNCTION pagewise_webhook_event();

-- Workers enqueue a document's deliveries when they hear of its change on "pagewise_documents"; a row inserted
-- finished is announced there too (documents_notify_change fires on UPDATE and DELETE only), so its event is sent at
-- once rather than by housekeeping's sweep of stray deliveries.
CREATE OR REPLACE FUNCTION pagewise_notify_document_created() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('pagewise_documents', NEW.id::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER documents_notify_created
  AFTER INSERT ON documents
  FOR EACH ROW WHEN (NEW.status = 'succeeded' AND NEW.callback_url IS NOT NULL) EXECUTE FUNCTION pagewise_notify_document_created();
