import { parse } from "pg-connection-string";
import { pgConnectionString, tlsOptionsFromEnv } from "@pagewise/db";

/** What `pg` 8.x will do with the connection string we hand it (it parses it with pg-connection-string). */
const sslOf = (url: string, rejectUnauthorized?: boolean) => parse(pgConnectionString(url, { rejectUnauthorized })).ssl;
const heroku = "postgres://u:p%40ss@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d8abc";

describe("Postgres TLS on Heroku-style DATABASE_URLs", () => {
  it("reads sslmode=require as libpq does: TLS without certificate verification (self-signed certs work)", () => {
    expect(sslOf(`${heroku}?sslmode=require`)).toEqual({ rejectUnauthorized: false });
    expect(sslOf(`${heroku}?sslmode=prefer`)).toEqual({ rejectUnauthorized: false });
  });

  it("keeps verification for sslmode=verify-full and leaves plain URLs alone", () => {
    expect(sslOf(`${heroku}?sslmode=verify-full`)).toEqual({});
    expect(pgConnectionString(heroku, { rejectUnauthorized: true })).toBe(heroku);
    expect(sslOf(heroku)).toBeUndefined();
  });

  it("DATABASE_SSL_REJECT_UNAUTHORIZED=false: TLS without verification, whatever the URL asks, except disable", () => {
    expect(sslOf(heroku, false)).toEqual({ rejectUnauthorized: false });
    expect(sslOf(`${heroku}?sslmode=verify-full`, false)).toEqual({ rejectUnauthorized: false });
    expect(sslOf(`${heroku}?sslmode=require&uselibpqcompat=true`, false)).toEqual({ rejectUnauthorized: false });
    expect(sslOf(`${heroku}?sslmode=disable`, false)).toBe(false);
  });

  it("keeps credentials and the database name intact", () => {
    const parsed = parse(pgConnectionString(`${heroku}?sslmode=require`, {}));
    expect(parsed).toMatchObject({ user: "u", password: "p@ss", database: "d8abc", port: "5432" });
  });

  it("reads the setting from the environment through the config schema", () => {
    expect(tlsOptionsFromEnv({})).toEqual({ rejectUnauthorized: true });
    expect(tlsOptionsFromEnv({ DATABASE_SSL_REJECT_UNAUTHORIZED: "false" })).toEqual({ rejectUnauthorized: false });
    expect(() => tlsOptionsFromEnv({ DATABASE_SSL_REJECT_UNAUTHORIZED: "maybe" })).toThrow();
  });
});
