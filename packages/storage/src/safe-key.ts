/** Longest key S3 accepts (bytes, UTF-8). */
const MAX_KEY_BYTES = 1024;

/**
 * True when `key` is a relative, slash-separated object key that cannot escape the storage root:
 * non-empty segments only, no "." or "..", no leading slash or drive letter, no backslash, no NUL or
 * other control characters. Pure, so the web's file route can guard its input with the same rule.
 */
export function isSafeKey(key: string): boolean {
  if (typeof key !== "string" || key.length === 0) return false;
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return false;
  if (/^[A-Za-z]:/.test(key)) return false;
  return key.split("/").every((segment) => segment !== "" && segment !== "." && segment !== "..");
}

/** A prefix for deletePrefix: a safe key, optionally ending with one "/" (a "folder"). */
export function isSafePrefix(prefix: string): boolean {
  return isSafeKey(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
}
