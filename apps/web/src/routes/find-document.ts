import type { DocumentRepository, DocumentWithPages } from "@pagewise/db";
import { idParams } from "../api-schemas";
import { notFound } from "../http-error";
import { parse } from "../validate";

/** The document with this id (a uuid), or a 404 `not_found`. */
export async function findOr404(documents: DocumentRepository, id: unknown): Promise<DocumentWithPages> {
  const { id: valid } = parse(idParams, { id }, () => notFound("No such document."));
  const doc = await documents.find(valid);
  if (!doc) throw notFound("No such document.");
  return doc;
}
