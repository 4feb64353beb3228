import type { DocumentRepository } from "@pagewise/db";
import type { Logger } from "@pagewise/logger";
import type { DocumentQueue } from "@pagewise/queue";
import type { ObjectStore } from "@pagewise/storage";

/** What the web app needs from the outside world; main.ts builds the real ones, tests may build their own. */
export interface WebDeps {
  documents: DocumentRepository;
  queue: DocumentQueue;
  store: ObjectStore;
  log: Logger;
  /** Resolves when Postgres and Redis answer; rejects otherwise. */
  checkReady: () => Promise<void>;
  limits: { maxUploadBytes: number };
  uploadDir: string;
}
