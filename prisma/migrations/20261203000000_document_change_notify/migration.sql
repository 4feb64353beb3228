-- Every change of a document row (its status, its progress, or a page, which is written together with it) is
-- announced after commit on the channel "pagewise_documents" with the document's id. Web processes LISTEN there and
-- drop the status answer they keep for that document (apps/web/src/live/status-bodies.ts).
CREATE OR REPLACE FUNCTION pagewise_notify_document_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('pagewise_documents', OLD.id::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER documents_notify_change
  AFTER UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION pagewise_notify_document_change();
