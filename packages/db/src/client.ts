import "./pg"; // first: pg loaded without its undici probe (pg.ts), before Prisma's adapter requires it
import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import type { PgTlsOptions } from "./connection";
import { closePool, createPool } from "./pool";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;

const pools = new WeakMap<Db, pg.Pool>();

/**
 * Prisma 7 talks to Postgres through the `pg` driver adapter, over a pool made here (and ended by `$disconnect()`),
 * so that the one hot read that Prisma makes expensive can use the same connections (see document-read.ts).
 * `sslmode` in the URL has libpq's meaning and DATABASE_SSL_REJECT_UNAUTHORIZED=false turns certificate checks off
 * (see pgConnectionString).
 */
export function createDb(databaseUrl: string, poolSize = 5, tls?: PgTlsOptions): Db {
  const pool = createPool(databaseUrl, poolSize, tls);
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  pools.set(db, pool);
  return db;
}

/** The pg pool under a client made by createDb; undefined for anything else (a transaction's client). */
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

/**
 * Disconnects Prisma and ends the pool. (`$disconnect()` ends it too, but only when Prisma itself has connected; a
 * process that only ran the SQL read would keep its connections open.)
 */
export async function closeDb(db: Db): Promise<void> {
  await db.$disconnect();
  const pool = pools.get(db);
  if (pool) await closePool(pool);
}
