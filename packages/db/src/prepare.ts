import type { Logger } from "@pagewise/logger";
import type { PgTlsOptions } from "./connection";
import { ensureDatabase } from "./ensure-database";
import { migrate } from "./migrate";
import { describeUnreachable } from "@pagewise/core";

/** Create the database if missing and apply pending migrations. Unreachable Postgres is a one-line error. */
export async function prepareDatabase(databaseUrl: string, log: Logger, tls?: PgTlsOptions): Promise<void> {
  try {
    if (await ensureDatabase(databaseUrl, tls)) log.info("created database");
    const { applied } = await migrate(databaseUrl, undefined, tls);
    if (applied.length) log.info({ applied }, "applied migrations");
  } catch (error) {
    throw new Error(describeUnreachable("PostgreSQL", databaseUrl, error) ?? (error as Error).message, { cause: error });
  }
}
