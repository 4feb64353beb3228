import { pg } from "./pg";
import { pgConnectionString, type PgTlsOptions } from "./connection";

const INVALID_CATALOG_NAME = "3D000"; // "database … does not exist"
const DUPLICATE_DATABASE = "42P04";
/**
 * Two processes starting at once (`npm start` runs web and worker together) both find no database and both
 * create it: the one that waits on the catalog's unique index gets this, not 42P04, once the other commits.
 */
const UNIQUE_VIOLATION = "23505";

const codeOf = (error: unknown) => (error as { code?: string }).code;

/**
 * Creates the database named in `databaseUrl` when it does not exist yet (first start on a fresh machine).
 *
 * It connects to the database itself first: when that works there is nothing to do, and the `postgres`
 * maintenance database is never touched. Managed services (Heroku Postgres) create the database for you,
 * grant no CREATE DATABASE and may refuse connections to `postgres`.
 */
export async function ensureDatabase(databaseUrl: string, tls?: PgTlsOptions): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ""));
  if (!name) throw new Error("DATABASE_URL names no database");
  if (await databaseExists(databaseUrl, tls)) return false;

  const admin = new URL(databaseUrl);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: pgConnectionString(admin.toString(), tls) });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    return true;
  } catch (error) {
    const code = codeOf(error);
    if (code !== DUPLICATE_DATABASE && code !== UNIQUE_VIOLATION) throw error;
    return false; // created meanwhile by another process
  } finally {
    await client.end();
  }
}

/** true when we can connect; false when Postgres says the database does not exist; other errors are thrown. */
async function databaseExists(databaseUrl: string, tls?: PgTlsOptions): Promise<boolean> {
  const client = new pg.Client({ connectionString: pgConnectionString(databaseUrl, tls) });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (codeOf(error) === INVALID_CATALOG_NAME) return false;
    throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
