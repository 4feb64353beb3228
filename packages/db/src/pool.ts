import type PgModule from "pg";
import { pg } from "./pg";
import { pgConnectionString, type PgTlsOptions } from "./connection";

/** A `pg` pool on DATABASE_URL (libpq's sslmode meaning, see pgConnectionString). Prisma's adapter uses one too. */
export function createPool(databaseUrl: string, poolSize = 5, tls?: PgTlsOptions): PgModule.Pool {
  return new pg.Pool({ connectionString: pgConnectionString(databaseUrl, tls), max: poolSize, connectionTimeoutMillis: 5000 });
}

/** Ends a pool unless it is already ending (idempotent). */
export async function closePool(pool: PgModule.Pool): Promise<void> {
  if (!pool.ending && !pool.ended) await pool.end();
}
