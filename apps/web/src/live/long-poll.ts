import type { Response } from "express";
import type { DocumentChangeSubscriptions, DocumentRepository, DocumentWithPages } from "@pagewise/db";
import { stateTag } from "./document-state";
import { watchDocument } from "./watch-document";

export interface LongPollOptions {
  documents: DocumentRepository;
  changes?: DocumentChangeSubscriptions;
  pollMs: number;
}

/**
 * `GET /api/documents/{id}?wait=S`: resolves with the row as soon as its status or pagesDone differs from
 * `baseline` (a state tag), or with the latest row when `waitMs` runs out or the client goes away.
 */
export function waitForChange(
  options: LongPollOptions,
  doc: DocumentWithPages,
  baseline: string,
  waitMs: number,
  res: Response,
): Promise<DocumentWithPages> {
  if (stateTag(doc) !== baseline) return Promise.resolve(doc);
  return new Promise((resolve) => {
    let latest = doc;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watch.stop();
      resolve(latest);
    };
    const timer = setTimeout(finish, waitMs);
    const read = () => options.documents.find(doc.id);
    const watch = watchDocument(read, options.changes, doc.id, { pollMs: options.pollMs }, (row) => {
      latest = row;
      if (stateTag(row) !== baseline) finish();
    });
    res.on("close", finish);
  });
}
