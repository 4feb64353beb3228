import { UnsafeKey } from "./errors";
import { isSafeKey, isSafePrefix } from "./safe-key";

export function assertSafeKey(key: string): void {
  if (!isSafeKey(key)) throw new UnsafeKey(key);
}

export function assertSafePrefix(prefix: string): void {
  if (!isSafePrefix(prefix)) throw new UnsafeKey(prefix);
}

/** A folder prefix for listFolders: a safe prefix ending in "/". */
export function assertFolder(prefix: string): void {
  if (!prefix.endsWith("/") || !isSafePrefix(prefix)) throw new UnsafeKey(prefix);
}
