import { createHash } from "node:crypto";
import type { Response } from "express";
import { storageKeys } from "@pagewise/core";
import type { Document, DocumentRepository, DocumentWithPages, NewDocument } from "@pagewise/db";
import { ObjectNotFound } from "@pagewise/storage";
import type { AppDeps } from "./deps";
import { documentPath, presentDocument } from "./presenters";

/** Object copies made at once while copying a document's results (S3 CopyObject requests in flight). */
const COPY_CONCURRENCY = 8;

/**
 * A succeeded document made from the same bytes with the settings this upload would be processed with (the workers'
 * detector and DPI, the upload's OCR choice), or null. Null too when the web does not know the workers' settings.
 */
export async function findReusable(deps: AppDeps, sourceSha256: string, ocr: boolean): Promise<DocumentWithPages | null> {
  if (!deps.processing) return null;
  return deps.documents.findReusable({ sourceSha256, detector: deps.processing.detector, dpi: deps.processing.dpi, ocr });
}

/**
 * Copies every result object of `from` (each page's PNG and JSON) under the new document's own prefix, so that
 * deleting either document (which removes everything under its prefix) never breaks the other. Copies are made by
 * the store (S3 CopyObject, a file copy), never through this process. Returns the new keys per page.
 * Throws ObjectNotFound when an object of `from` is gone (the original was deleted meanwhile).
 */
export async function copyResults(deps: AppDeps, from: DocumentWithPages, toId: string) {
  const pages = from.pages.map((page) => ({
    number: page.number,
    imageKey: page.imageKey && storageKeys.pageImage(toId, page.number),
    jsonKey: page.jsonKey && storageKeys.pageJson(toId, page.number),
  }));
  const copies: Array<[string, string]> = [];
  from.pages.forEach((page, i) => {
    if (page.imageKey) copies.push([page.imageKey, pages[i]!.imageKey!]);
    if (page.jsonKey) copies.push([page.jsonKey, pages[i]!.jsonKey!]);
  });
  let next = 0;
  const copyNext = async (): Promise<void> => {
    while (next < copies.length) {
      const [source, target] = copies[next++]!;
      await deps.store.copy(source, target);
    }
  };
  await Promise.all(Array.from({ length: Math.min(COPY_CONCURRENCY, copies.length) }, copyNext));
  return pages;
}

/**
 * The reuse path's end: the results are copied, then the row (succeeded, with its pages, reusedFrom) is written.
 * Returns null when the original's objects vanished meanwhile (deleted): the caller processes the upload as usual.
 * Whatever goes wrong after copying starts removes the new prefix's page objects again.
 */
export async function createReusedDocument(
  deps: AppDeps,
  input: NewDocument,
  from: DocumentWithPages,
  write: (repository: DocumentRepository, pages: Awaited<ReturnType<typeof copyResults>>) => Promise<Document | null> = (repository, pages) =>
    repository.createReused(input, from, pages),
): Promise<Document | null> {
  const removeCopies = () =>
    deps.store.deletePrefix(`${storageKeys.documentPrefix(input.id)}pages/`).catch((cleanup: unknown) => {
      deps.log.warn({ err: cleanup, documentId: input.id }, "could not remove copied results; housekeeping will");
    });
  try {
    const pages = await copyResults(deps, from, input.id);
    const doc = await write(deps.documents, pages);
    if (!doc) {
      await removeCopies(); // no row was written (the upload went to another request): nothing may keep them
      return null;
    }
    deps.log.info({ documentId: doc.id, reusedFrom: from.id, pages: pages.length }, "document reused");
    return doc;
  } catch (error) {
    await removeCopies();
    if (error instanceof ObjectNotFound) {
      deps.log.info({ documentId: input.id, reusedFrom: from.id }, "reusable document vanished while copying; processing the upload");
      return null;
    }
    throw error;
  }
}

/** 201 with the whole new document: it is already succeeded. */
export async function answerReused(res: Response, deps: AppDeps, doc: Document): Promise<void> {
  const full = (await deps.documents.find(doc.id)) ?? { ...doc, pages: [] };
  res.status(201).location(documentPath(doc.id)).json(await presentDocument(full, deps.store));
}

/** sha256 (hex) of a stored object, streamed (a direct upload asking for reuse). */
export async function storedSha256(deps: AppDeps, key: string): Promise<string> {
  const { stream } = await deps.store.getStream(key);
  const hash = createHash("sha256");
  for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest("hex");
}
