import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { freePort, startScriptFlags, startService, type Service } from "../support/processes";
import { databaseUrl, obliterate, randomPrefix, redisUrl } from "../support/services";

/**
 * The README's first command on a machine whose PostgreSQL has no `pagewise` database yet: `npm start` starts web
 * and worker at the same moment, and both create the database and migrate it. Both must come up, every time.
 */
describe("first start: web and worker together against a database that does not exist yet", () => {
  const admin = new URL(databaseUrl());
  admin.pathname = "/postgres";
  const names: string[] = [];
  const prefixes: string[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-first-start-"));

  afterAll(async () => {
    const client = new Client({ connectionString: admin.toString() });
    await client.connect();
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.end();
    for (const prefix of prefixes) await obliterate(prefix);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("brings both processes up, round after round", async () => {
    for (let round = 0; round < 10; round++) {
      const name = `pagewise_first_${randomBytes(4).toString("hex")}`;
      names.push(name);
      const url = new URL(databaseUrl());
      url.pathname = `/${name}`;
      const prefix = randomPrefix("first");
      prefixes.push(prefix);
      const env = {
        DATABASE_URL: url.toString(),
        REDIS_URL: redisUrl(),
        QUEUE_PREFIX: prefix,
        DATA_DIR: dataDir,
        MIGRATE_ON_START: "true",
        LOG_LEVEL: "info",
        NODE_ENV: "test",
      };
      const port = await freePort();
      const services: Service[] = [
        startService("apps/web/dist/main.js", { ...env, PORT: String(port), HOST: "127.0.0.1" }, startScriptFlags("start:web")),
        startService("apps/worker/dist/main.js", env, startScriptFlags("start:worker")),
      ];
      try {
        await Promise.all([services[0]!.waitForLine(/web listening/, 30_000), services[1]!.waitForLine(/worker started/, 30_000)]);
        const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
        expect(ready.status).toBe(200);
      } finally {
        await Promise.allSettled(services.map((s) => s.stop("SIGTERM", 15_000)));
      }
    }
  }, 120_000);
});
