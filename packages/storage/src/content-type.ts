import path from "node:path";

const BY_EXTENSION: Record<string, string> = {
  ".png": "image/png",
  ".json": "application/json",
  ".pdf": "application/pdf",
};

/** The local driver's content type: derived from the key's extension (no sidecar files). */
export function contentTypeFor(key: string): string {
  return BY_EXTENSION[path.extname(key).toLowerCase()] ?? "application/octet-stream";
}
