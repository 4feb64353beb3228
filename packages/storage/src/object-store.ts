import type { Readable } from "node:stream";

export interface StoredObject {
  size: number;
  contentType?: string;
}

export interface ObjectStream {
  stream: NodeJS.ReadableStream;
  size: number;
  contentType?: string;
}

/** Where results live: a local directory or an S3 bucket, with identical behaviour. Keys must pass isSafeKey. */
export interface ObjectStore {
  readonly driver: "local" | "s3";
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /**
   * Stores what `body` yields, as it arrives (an upload straight from the client), never the whole of a large body
   * in memory: S3 sends it in one PutObject when it ends within one 5 MB part, else as a multipart upload holding
   * one part at a time; locally it is written to a temp file beside the key, renamed when complete. When `body`
   * fails (the client hung up, or a check on the bytes refused them), it rejects with that error and nothing is
   * stored under `key` (an S3 multipart upload is aborted, the temp file removed).
   */
  putStream(key: string, body: Readable, contentType: string): Promise<void>;
  /** Throws ObjectNotFound. */
  get(key: string): Promise<Buffer>;
  /**
   * A copy of the object at `from` under `to`, made by the store (S3 CopyObject, a file copy), never through this
   * process's memory; the copy lives on when the original is deleted. Throws ObjectNotFound.
   */
  copy(from: string, to: string): Promise<void>;
  /**
   * Throws ObjectNotFound. `within`: a folder prefix of `key` the object must really be in: the local driver also
   * refuses a file whose real path (symlinks resolved) leaves that folder; S3 has no links.
   */
  getStream(key: string, options?: { within?: string }): Promise<ObjectStream>;
  head(key: string): Promise<StoredObject | null>;
  /** The first `length` bytes (fewer if the object is shorter). Throws ObjectNotFound. */
  readStart(key: string, length: number): Promise<Buffer>;
  /**
   * S3 only (undefined locally): a presigned PUT URL for a client to upload straight to the bucket, bound to the
   * content type and length it declared.
   */
  presignPut?(key: string, contentType: string, contentLength: number): Promise<string>;
  /** Keys of every object whose key starts with `prefix` (non-empty), sorted. */
  list(prefix: string): Promise<string[]>;
  /**
   * The "folders" directly under `prefix` (a prefix ending in "/"): each a prefix ending in "/", in key order, those
   * after `startAfter` only, at most `limit` of them. Objects directly under `prefix` are not folders.
   */
  listFolders(prefix: string, options?: { startAfter?: string; limit?: number }): Promise<string[]>;
  /** When the newest object whose key starts with `prefix` was written; null when there is none. */
  lastModified(prefix: string): Promise<Date | null>;
  /** Deletes every object whose key starts with `prefix` (non-empty); returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** S3: a presigned GET URL; local: `${localUrlBase}/${key}`, a route the web app serves. */
  url(key: string): Promise<string>;
  /** Readiness: S3 HeadBucket / local directory writable. Throws with a clear message. */
  check(): Promise<void>;
}

export interface ObjectStoreOptions {
  /** Local driver: base of url(); default "/api/files". */
  localUrlBase?: string;
  /** S3 driver: lifetime of presigned URLs; default 3600. */
  signedUrlTtlSeconds?: number;
  /** S3 driver: SDK attempts per request (retryMode "standard", exponential backoff); default 5. */
  maxAttempts?: number;
}
