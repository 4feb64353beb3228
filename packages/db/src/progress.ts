/**
 * The worker's entry point to the database: the document progress writes in SQL, the pool and the migrations, and
 * nothing that loads Prisma's client (types only). The web's entry point is the package's index.
 */
export { PgDocumentProgress } from "./document-progress";
export { StorageOwners } from "./storage-owners";
export type { DocumentProgress } from "./document-progress";
export { createPool, closePool } from "./pool";
export { prepareDatabase } from "./prepare";
export { DocumentStatus, terminalStatuses } from "./document-types";
export type { Document, Page, DocumentWithPages, PageRecord } from "./document-types";
export { PgDocumentDeletions } from "./document-deletions";
export type { PendingDeletion } from "./document-deletions";
export { deleteDocument, finishDeletion } from "./delete-document";
export type { DeleteDocumentDeps, DeleteOutcome } from "./delete-document";
export { PgWebhookDeliveries } from "./webhook-deliveries";
export type { WebhookDelivery, WebhookDeliveryState } from "./webhook-deliveries";
export { DocumentChangeListener } from "./document-changes";
