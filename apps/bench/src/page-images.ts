import fs from "node:fs";
import path from "node:path";

/**
 * Sizes of the stored page images of the given documents, bytes, found under the bench's storage directory (the
 * local driver's DATA_DIR or s3rver's directory, which keeps each object as a file named after its key:
 * `documents/<id>/pages/<n>.png`, with s3rver's suffix).
 */
export function pageImageBytes(storageDir: string, documentIds: string[]): number[] {
  const wanted = new Set(documentIds);
  const sizes: number[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.png(\._S3rver_object)?$/.test(entry.name)) {
        const match = /documents\/([0-9a-f-]{36})\/pages\//.exec(full);
        if (match && wanted.has(match[1] as string)) sizes.push(fs.statSync(full).size);
      }
    }
  };
  walk(storageDir);
  return sizes;
}
