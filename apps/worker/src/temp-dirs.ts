import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * The worker's temporary directories: one per document (the local copy of its source) and one per compute child
 * (its TMPDIR: whatever a native library writes there goes away with the child). Each is named after the worker
 * process that made it, `pagewise-<kind>-<pid>-<random>`, and removed by it; a worker that was SIGKILLed cannot,
 * so the next worker to start on the machine removes those whose worker is gone.
 */
export type TempKind = "doc" | "compute";

const NAME = /^pagewise-(doc|compute)-(\d+)-/;

export function makeTempDir(kind: TempKind, root = os.tmpdir()): string {
  return fs.mkdtempSync(path.join(root, `pagewise-${kind}-${process.pid}-`));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, someone else's
  }
}

/** Removes the temporary directories of worker processes that no longer run. Returns how many. */
export function removeStaleTempDirs(root = os.tmpdir()): number {
  let removed = 0;
  for (const name of fs.readdirSync(root)) {
    const pid = Number(NAME.exec(name)?.[2]);
    if (!pid || pid === process.pid || processAlive(pid)) continue;
    removeTempDir(path.join(root, name));
    removed += 1;
  }
  return removed;
}
