#!/usr/bin/env node
// Generates the Prisma client (packages/db/src/generated/prisma) from prisma/schema.prisma.
//
// `prisma generate` itself needs no native engine (the Prisma 7 client runs on WASM), but the CLI insists that a
// schema-engine binary exists and tries to download one when it does not. Where that download cannot happen
// (offline machines, locked-down CI) we point PRISMA_SCHEMA_ENGINE_BINARY at a stub that is never executed for
// `generate`. Where Prisma's engine is available, or the variable is already set, nothing is changed.
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const env = { ...process.env };
env.DATABASE_URL ??= "postgresql://postgres@127.0.0.1:5432/pagewise";
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stub = path.join(os.tmpdir(), "pagewise-prisma-schema-engine-stub");
  fs.writeFileSync(stub, "#!/bin/sh\necho 'schema engine stub: only prisma generate is supported here' >&2\nexit 1\n", {
    mode: 0o755,
  });
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const cli = require.resolve("prisma/build/index.js");
const run = spawnSync(process.execPath, [cli, "generate"], { stdio: ["ignore", "pipe", "inherit"], env });
if (run.status !== 0) {
  process.stdout.write(run.stdout ?? "");
  process.exit(run.status ?? 1);
}
