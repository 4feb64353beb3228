import { PrismaPg } from "@prisma/adapter-pg";
import { pgConnectionString, type PgTlsOptions } from "./connection";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;

/**
 * Prisma 7 talks to Postgres through the `pg` driver adapter. `sslmode` in the URL has libpq's meaning and
 * DATABASE_SSL_REJECT_UNAUTHORIZED=false turns certificate checks off (see pgConnectionString).
 */
export function createDb(databaseUrl: string, poolSize = 5, tls?: PgTlsOptions): Db {
  const connectionString = pgConnectionString(databaseUrl, tls);
  const adapter = new PrismaPg({ connectionString, max: poolSize, connectionTimeoutMillis: 5000 });
  return new PrismaClient({ adapter });
}
