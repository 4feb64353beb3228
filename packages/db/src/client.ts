import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";

export type Db = PrismaClient;

/** Prisma 7 talks to Postgres through the `pg` driver adapter; `sslmode` in the URL is honoured by `pg`. */
export function createDb(databaseUrl: string, poolSize = 5): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5000 });
  return new PrismaClient({ adapter });
}
