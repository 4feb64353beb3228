import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { makeTempDir, removeStaleTempDirs } from "../../apps/worker/src/temp-dirs";

describe("the worker's temporary directories", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-tempdirs-test-"));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("are named after the worker process, and a starting worker removes only those of workers that are gone", () => {
    const mine = makeTempDir("compute", root);
    expect(path.basename(mine)).toMatch(new RegExp(`^pagewise-compute-${process.pid}-`));
    // A process that has exited: its pid is free (the kernel does not reuse it at once).
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const stale = [`pagewise-doc-${gone}-abc123`, `pagewise-compute-${gone}-def456`].map((name) => path.join(root, name));
    for (const dir of stale) fs.mkdirSync(dir);
    fs.writeFileSync(path.join(stale[1]!, "mat-debug-1.log"), "");
    const alive = path.join(root, `pagewise-doc-${process.ppid}-ghi789`); // the test runner's parent: alive
    const other = path.join(root, "someone-elses-dir");
    fs.mkdirSync(alive);
    fs.mkdirSync(other);

    expect(removeStaleTempDirs(root)).toBe(2);
    expect(fs.readdirSync(root).sort()).toEqual([path.basename(alive), path.basename(mine), "someone-elses-dir"].sort());
  });
});
