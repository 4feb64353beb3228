export { createDb } from "./client";
export type { Db } from "./client";
export { DocumentRepository, DocumentStatus, terminalStatuses } from "./documents";
export type { Document, Page, DocumentWithPages, NewDocument, PageRecord } from "./documents";
export { migrate, defaultMigrationsDir } from "./migrate";
export type { MigrationResult } from "./migrate";
export { ensureDatabase } from "./ensure-database";
export { prepareDatabase } from "./prepare";
