import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { ensureDatabase } from "@pagewise/db";
import { databaseUrl } from "../support/services";

/**
 * `npm start` starts web and worker at once, and on a fresh machine both find no database and both create it.
 * The loser must take the winner's database, whichever way PostgreSQL reports the collision.
 */
describe("ensureDatabase with concurrent creators", () => {
  const admin = new URL(databaseUrl());
  admin.pathname = "/postgres";
  const names: string[] = [];

  afterAll(async () => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });

  it("creates the database once and every caller succeeds, round after round", async () => {
    for (let round = 0; round < 6; round++) {
      const name = `pagewise_race_${randomBytes(4).toString("hex")}`;
      names.push(name);
      const url = new URL(databaseUrl());
      url.pathname = `/${name}`;
      const results = await Promise.all(Array.from({ length: 6 }, () => ensureDatabase(url.toString())));
      expect(results.filter(Boolean)).toHaveLength(1);
    }
  });
});
