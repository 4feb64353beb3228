import "./pg"; // first: pg loaded without its undici probe (pg.ts), before Prisma's adapter requires it
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import type { PgTlsOptions } from "./connection";
import { closePool, createPool } from "./pool";
import { PrismaClient } from "./generated/prisma/client";

/** Prisma's client and the `pg` pool under it, on which the hot reads run in SQL (document-read.ts). */
export type Db = PrismaClient & { readonly pool: pg.Pool };

/**
 * Prisma 7 talks to Postgres through the `pg` driver adapter, over a pool made here (and ended by `$disconnect()`),
 * so that the reads Prisma makes expensive can use the same connections (see document-read.ts).
 * `sslmode` in the URL has libpq's meaning and DATABASE_SSL_REJECT_UNAUTHORIZED=false turns certificate checks off
 * (see pgConnectionString).
 */
export function createDb(databaseUrl: string, poolSize = 5, tls?: PgTlsOptions): Db {
  const pool = createPool(databaseUrl, poolSize, tls);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return Object.defineProperty(prisma, "pool", { value: pool, enumerable: false }) as Db;
}

/**
 * Disconnects Prisma and ends the pool. (`$disconnect()` ends it too, but only when Prisma itself has connected; a
 * process that only ran the SQL read would keep its connections open.)
 */
export async function closeDb(db: Db): Promise<void> {
  await db.$disconnect();
  await closePool(db.pool);
}
