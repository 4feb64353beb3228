/**
 * The web's entry point: Prisma's client, the web's documents (DocumentRepository: reads and webTransitions), the
 * change feed. The worker's is `@pagewise/db/progress` (workerTransitions, no Prisma client).
 */
export { closeDb, createDb } from "./client";
export { pgConnectionString, tlsOptionsFromEnv } from "./connection";
export type { PgTlsOptions } from "./connection";
export type { Db } from "./client";
export { DocumentRepository, DocumentStatus } from "./documents";
export { webTransitions } from "./web-transitions";
export { createPool, closePool } from "./pool";
export type { Document, Page, DocumentWithPages, NewDocument, CancelResult, VersionedDocument, ReuseMatch, QueueAhead, RecentThroughput } from "./documents";
export { migrate, defaultMigrationsDir } from "./migrate";
export type { MigrationResult } from "./migrate";
export { ensureDatabase } from "./ensure-database";
export { prepareDatabase } from "./prepare";
export { countDocumentsByStatus } from "./stats";
export { UploadRepository } from "./uploads";
export { StorageOwners } from "./storage-owners";
export type { Upload, NewUpload } from "./uploads";
export { DocumentChangeListener, DOCUMENT_CHANGES_CHANNEL } from "./document-changes";
export type { DocumentChangeFeed, DocumentChangeListenerOptions, DocumentChangeSubscriptions } from "./document-changes";
export { PgDocumentDeletions } from "./document-deletions";
export type { PendingDeletion } from "./document-deletions";
export { deleteDocument, finishDeletion } from "./delete-document";
export type { DeleteDocumentDeps, DeleteOutcome } from "./delete-document";
export { PgWebhookDeliveries } from "./webhook-deliveries";
export type { WebhookDelivery, WebhookDeliveryState } from "./webhook-deliveries";
