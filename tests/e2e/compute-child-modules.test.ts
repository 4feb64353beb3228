import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../support/services";

const run = promisify(execFile);

/**
 * The compute child holds the memory-heavy work (pdf.js, canvas, onnxruntime) and is the larger half of a worker
 * dyno's memory: it must not also load what only the worker process needs. Started on its own (no IPC channel), the
 * child loads its detector and exits; what it required on the way is recorded.
 */
describe("the compute child's modules", () => {
  it("include the detector and none of the validator, database, queue, storage or logging libraries", async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pw-child-")), "modules.txt");
    const config = JSON.stringify({ detectorId: "ppocr-det", detectorOptions: { threads: 1, maxSide: 960 } });
    await run(process.execPath, ["-r", path.join(repoRoot, "tests/support/record-modules.js"), "apps/worker/dist/compute/child.js", config], {
      cwd: repoRoot,
      env: { ...process.env, RECORD_MODULES_FILE: file },
      timeout: 60_000,
    });
    const loaded = fs.readFileSync(file, "utf8").split("\n");
    expect(loaded.some((m) => /packages[\\/]detector[\\/]/.test(m))).toBe(true);
    expect(loaded.some((m) => /onnxruntime-node/.test(m))).toBe(true);
    const packages = loaded.flatMap((m) => /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(m)?.[1] ?? []);
    expect([...new Set(packages)].filter((p) => /^(zod|@prisma|pg|bullmq|ioredis|@aws-sdk|@smithy|pino)/.test(p))).toEqual([]);
  }, 70_000);
});
