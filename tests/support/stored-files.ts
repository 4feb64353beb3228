import fs from "node:fs";
import path from "node:path";

/**
 * Every file below a local store's directory, as keys ("documents/<id>/source.pdf"), sorted. Temp files are
 * included, which the store's list() leaves out: a test compares the two to find a write that left one behind.
 */
export function filesBelow(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"))
    .sort();
}
