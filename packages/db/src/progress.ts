/**
 * The worker's entry point to the database: its documents (the SQL reads and the worker's transitions), the pool and
 * the migrations, and nothing that loads Prisma's client (types only). The web's entry point is the package's index.
 */
export { PgDocumentProgress } from "./worker-documents";
export type { DocumentProgress } from "./worker-documents";
export { StorageOwners } from "./storage-owners";
export { createPool, closePool } from "./pool";
export { prepareDatabase } from "./prepare";
export { DocumentStatus, isUnfinished } from "./document-row";
export type { Document, Page, DocumentWithPages, PageRecord } from "./document-row";
export { PgDocumentDeletions } from "./document-deletions";
export type { PendingDeletion } from "./document-deletions";
export { deleteDocument, finishDeletion } from "./delete-document";
export type { DeleteDocumentDeps, DeleteOutcome } from "./delete-document";
export { PgWebhookDeliveries } from "./webhook-deliveries";
export type { WebhookDelivery, WebhookDeliveryState } from "./webhook-deliveries";
export { DocumentChangeListener } from "./document-changes";
