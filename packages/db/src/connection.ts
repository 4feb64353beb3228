import { commonEnvSchema } from "@pagewise/config";

export interface PgTlsOptions {
  /** false: use TLS but accept any server certificate (Heroku Postgres' self-signed certificates). */
  rejectUnauthorized?: boolean;
}

/** DATABASE_SSL_REJECT_UNAUTHORIZED from the environment, read through the config schema (default true). */
export function tlsOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): Required<PgTlsOptions> {
  const rejectUnauthorized = commonEnvSchema.shape.DATABASE_SSL_REJECT_UNAUTHORIZED.parse(env.DATABASE_SSL_REJECT_UNAUTHORIZED);
  return { rejectUnauthorized };
}

/**
 * The connection string handed to `pg` (directly and through Prisma's adapter), with libpq's meaning of sslmode.
 *
 * pg 8.x treats `sslmode=require|prefer|verify-ca` like `verify-full` (and warns), so `sslmode=require` fails
 * against Heroku Postgres' self-signed certificates. libpq, and pg 9, read `require` as "encrypt, do not
 * verify"; we opt into that with `uselibpqcompat=true` for `require` and `prefer`. `verify-full` still verifies.
 * With `rejectUnauthorized: false` every connection uses TLS without verification (`sslmode=no-verify`) unless
 * the URL says `sslmode=disable`. Options passed next to a connection string do not help: pg lets the string's
 * ssl settings replace them.
 */
export function pgConnectionString(databaseUrl: string, options: PgTlsOptions = tlsOptionsFromEnv()): string {
  const url = new URL(databaseUrl);
  const params = url.searchParams;
  const sslmode = params.get("sslmode");
  if (sslmode === "disable") return databaseUrl;
  if (options.rejectUnauthorized === false) {
    params.delete("uselibpqcompat");
    params.set("sslmode", "no-verify");
    return url.toString();
  }
  if ((sslmode === "require" || sslmode === "prefer") && !params.has("uselibpqcompat")) {
    params.set("uselibpqcompat", "true");
    return url.toString();
  }
  return databaseUrl;
}
