import { randomUUID } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

const TEMP_SUFFIX = ".pagewise-tmp";

function isTempFile(name: string): boolean {
  return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
}

/**
 * Writes `target` atomically: `write` fills a temp file in the same directory, then one rename publishes it,
 * so a reader sees the old file or the whole new one, never half a file.
 */
export async function writeAtomically(target: string, write: (tempPath: string) => Promise<void>): Promise<void> {
  const dir = path.dirname(target);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(target)}.${randomUUID()}${TEMP_SUFFIX}`);
  try {
    await write(temp);
    await fs.rename(temp, target);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** "Not there" for a lookup: missing, a path component is a file, or the path is a directory. */
export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR";
}

export interface Listing {
  files: string[];
  directories: string[];
}

/** Every file and directory below `root` (absolute paths, parents before children), temp files excluded. */
export async function listTree(root: string): Promise<Listing> {
  const listing: Listing = { files: [], directories: [] };
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        listing.directories.push(full);
        await walk(full);
      } else if (entry.isFile() && !isTempFile(entry.name)) {
        listing.files.push(full);
      }
    }
  };
  await walk(root);
  return listing;
}
