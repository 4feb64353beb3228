/**
 * The web's entry point: Prisma's client, the web's documents (DocumentRepository: reads and webTransitions), the
 * change feed. The worker's is `@pagewise/db/progress` (workerTransitions, no Prisma client).
 */
export { closeDb, createDb } from "./client";
export { pgConnectionString, tlsOptionsFromEnv } from "./connection";
export type { Db } from "./client";
export { DocumentRepository } from "./documents";
export { isUnfinished } from "./document-row";
export { isUniqueViolation, webTransitions } from "./web-transitions";
export { createPool, closePool } from "./pool";
export type { Document, Page, DocumentWithPages, NewDocument } from "./documents";
export { migrate, defaultMigrationsDir } from "./migrate";
export { ensureDatabase } from "./ensure-database";
export { prepareDatabase } from "./prepare";
export { countDocumentsByStatus, readPagesWaiting } from "./stats";
export type { PagesWaiting } from "./stats";
export { UploadRepository } from "./uploads";
export { StorageOwners } from "./storage-owners";
export { DocumentChangeListener } from "./document-changes";
export type { DocumentChangeFeed, DocumentChangeSubscriptions } from "./document-changes";
export { PgDocumentDeletions } from "./document-deletions";
export { deleteDocument } from "./delete-document";
export { PgWebhookDeliveries } from "./webhook-deliveries";
export type { WebhookDelivery, WebhookDeliveryState } from "./webhook-deliveries";
