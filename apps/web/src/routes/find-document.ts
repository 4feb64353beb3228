import type { DocumentRepository, DocumentWithPages } from "@pagewise/db";
import { idParams } from "../api-schemas";
import { notFound } from "../http-error";
import { parse } from "../validate";

/** A document id from the path (a uuid), or a 404 `not_found`. */
export function documentIdOr404(id: unknown): string {
  return parse(idParams, { id }, () => notFound("document")).id;
}

/** The document with this id (a uuid), or a 404 `not_found`. */
export async function findOr404(documents: DocumentRepository, id: unknown): Promise<DocumentWithPages> {
  const doc = await documents.find(documentIdOr404(id));
  if (!doc) throw notFound("document");
  return doc;
}
