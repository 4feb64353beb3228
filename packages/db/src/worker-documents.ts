import type pg from "pg";
import { readDocumentWithPages, readRecordedPages, readStatus, readUnfinishedOlderThan, readVersionedDocument } from "./document-read";
import type { Document, DocumentStatus, DocumentWithPages, PageRecord } from "./document-row";
import { workerTransitions } from "./worker-transitions";

/** What the worker reads and writes of a document: the reads in SQL and the worker's transitions, on one pool. */
export interface DocumentProgress {
  find(id: string): Promise<DocumentWithPages | null>;
  /** The row alone (a range job reads its document without claiming it). */
  read(id: string): Promise<Document | null>;
  /** The numbers of the pages recorded from `first` to `last`, ascending. */
  recordedPages(id: string, first: number, last: number): Promise<number[]>;
  statusOf(id: string): Promise<DocumentStatus | undefined>;
  claim(id: string, detector: string, dpi?: number): Promise<Document | null>;
  /** Records the source's sha256 where the upload did not (a direct upload without reuse). */
  setSourceSha256(id: string, sha256: string): Promise<void>;
  setPageCount(id: string, pageCount: number): Promise<void>;
  recordPage(documentId: string, page: PageRecord): Promise<void>;
  recordPageExclusively(documentId: string, page: PageRecord, upload: () => Promise<void>): Promise<boolean>;
  markSucceeded(id: string): Promise<boolean>;
  markFailed(id: string, code: string, message: string): Promise<boolean>;
  unfinishedOlderThan(olderThanMs: number, limit: number): Promise<Pick<Document, "id" | "status">[]>;
}

/** The worker's documents (`@pagewise/db/progress`): pg only, no Prisma client in the process. */
export class PgDocumentProgress implements DocumentProgress {
  constructor(private readonly pool: pg.Pool) {}

  find = (id: string) => readDocumentWithPages(this.pool, id);
  read = async (id: string) => (await readVersionedDocument(this.pool, id))?.document ?? null;
  recordedPages = (id: string, first: number, last: number) => readRecordedPages(this.pool, id, first, last);
  statusOf = (id: string) => readStatus(this.pool, id);
  unfinishedOlderThan = (olderThanMs: number, limit: number) => readUnfinishedOlderThan(this.pool, olderThanMs, limit);

  claim = (id: string, detector: string, dpi?: number) => workerTransitions.claim(this.pool, id, detector, dpi);
  setSourceSha256 = (id: string, sha256: string) => workerTransitions.setSourceSha256(this.pool, id, sha256);
  setPageCount = (id: string, pageCount: number) => workerTransitions.setPageCount(this.pool, id, pageCount);
  recordPage = (documentId: string, page: PageRecord) => workerTransitions.recordPage(this.pool, documentId, page);
  recordPageExclusively = (documentId: string, page: PageRecord, upload: () => Promise<void>) =>
    workerTransitions.recordPageExclusively(this.pool, documentId, page, upload);
  markSucceeded = (id: string) => workerTransitions.markSucceeded(this.pool, id);
  markFailed = (id: string, code: string, message: string) => workerTransitions.markFailed(this.pool, id, code, message);
}
