import { randomBytes, randomUUID } from "node:crypto";
import { Client } from "pg";
import { closeDb, createDb, ensureDatabase, migrate } from "@pagewise/db";
import { databaseUrl } from "../support/services";

/** A fresh database per run proves the SQL migrations build exactly what the Prisma schema expects. */
describe("SQL migrations on a fresh database", () => {
  const name = `pagewise_mig_${randomBytes(4).toString("hex")}`;
  const url = new URL(databaseUrl());
  url.pathname = `/${name}`;
  const admin = new URL(databaseUrl());
  admin.pathname = "/postgres";

  afterAll(async () => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
  });

  it("creates the database, applies each migration once, and Prisma can use the result", async () => {
    expect(await ensureDatabase(url.toString())).toBe(true);
    expect(await ensureDatabase(url.toString())).toBe(false);

    const first = await migrate(url.toString());
    expect(first.applied.length).toBeGreaterThan(0);
    const second = await migrate(url.toString());
    expect(second.applied).toEqual([]);
    expect(second.skipped).toEqual(first.applied);

    const db = createDb(url.toString(), 1);
    try {
      const id = randomUUID();
      await db.document.create({
        data: { id, title: "t", filename: "t.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 1 },
      });
      await db.page.create({
        data: { documentId: id, number: 1, width: 10, height: 20, scale: 2.08, detectionCount: 3, imageKey: "a", jsonKey: "b" },
      });
      const found = await db.document.findUnique({ where: { id }, include: { pages: true } });
      expect(found).toMatchObject({ status: "queued", pagesDone: 0, pages: [{ number: 1, detectionCount: 3 }] });
    } finally {
      await closeDb(db);
    }
  });

  it("records migrations the way `prisma migrate deploy` does", async () => {
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const rows = await client.query(`SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"`);
      expect(rows.rowCount).toBeGreaterThan(0);
      for (const row of rows.rows) {
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.finished_at).not.toBeNull();
      }
    } finally {
      await client.end();
    }
  });
});
