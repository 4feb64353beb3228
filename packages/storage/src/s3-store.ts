import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { StorageConfig } from "@pagewise/config";
import { ObjectNotFound } from "./errors";
import { assertFolder, assertSafeKey, assertSafePrefix } from "./key-guard";
import type { ObjectStore, ObjectStream, StoredObject } from "./object-store";
import { bucketCheckError, isNotFound } from "./s3-errors";

export type S3StorageConfig = Extract<StorageConfig, { driver: "s3" }>;

/** Presigned GET URLs kept for reuse (oldest dropped first). */
const SIGNED_URL_CACHE_SIZE = 10_000;

/** DeleteObjects takes at most 1000 keys per request. */
const DELETE_BATCH = 1000;

/**
 * Objects in an S3 bucket, used exactly as with AWS (endpoint and path style only change where requests go).
 * Checksums stay at the SDK defaults (CRC32 on uploads). That is safe because no request here streams a body
 * of its own: put sends a Buffer and putStream goes through lib-storage's Upload, which sends Buffer parts.
 * A PutObject with a file stream would be sent aws-chunked with a trailing checksum, which real S3 decodes
 * but s3rver stores verbatim (framing included), so "WHEN_REQUIRED" settings are not needed and not used.
 */
export class S3ObjectStore implements ObjectStore {
  readonly driver = "s3" as const;
  private readonly client: S3Client;
  /** Signs URLs for browsers: the same client unless the bucket has a separate public endpoint. */
  private readonly signer: S3Client;
  private readonly bucket: string;
  private readonly signedUrls = new Map<string, { url: string; reuseUntil: number }>();

  constructor(
    private readonly config: S3StorageConfig,
    private readonly options: { signedUrlTtlSeconds: number; maxAttempts: number },
  ) {
    this.bucket = config.bucket;
    this.client = new S3Client({
      region: config.region,
      endpoint: config.endpoint,
      forcePathStyle: config.forcePathStyle,
      credentials: config.credentials,
      maxAttempts: options.maxAttempts,
      retryMode: "standard",
      // The middleware stack is resolved once per command class, not on every send (~0.3 ms of CPU per PutObject,
      // docs/benchmarks.md). Nothing here adds middleware after the first request (the presigner clones the stack).
      cacheMiddleware: true,
    });
    this.signer = config.publicEndpoint
      ? new S3Client({
          region: config.region,
          endpoint: config.publicEndpoint,
          forcePathStyle: config.forcePathStyle,
          credentials: config.credentials,
        })
      : this.client;
  }

  async readStart(key: string, length: number): Promise<Buffer> {
    const head = await this.head(key);
    if (!head) throw new ObjectNotFound(key);
    const end = Math.min(length, head.size) - 1;
    if (end < 0) return Buffer.alloc(0); // an empty object has no byte range to ask for
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=0-${end}` }));
      const chunks: Buffer[] = [];
      for await (const chunk of response.Body as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
      return Buffer.concat(chunks).subarray(0, length);
    } catch (error) {
      throw isNotFound(error) ? new ObjectNotFound(key) : error;
    }
  }

  async presignPut(key: string, contentType: string, contentLength: number): Promise<string> {
    assertSafeKey(key);
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: key, ContentType: contentType, ContentLength: contentLength });
    return getSignedUrl(this.signer, command, { expiresIn: this.options.signedUrlTtlSeconds });
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType }));
  }

  async putStream(key: string, body: Readable, contentType: string): Promise<void> {
    assertSafeKey(key);
    // Upload gathers the stream into 5 MB parts: a body that ends within the first goes as one PutObject of a
    // Buffer, a longer one as a multipart upload (aborted if the stream fails). One part in flight at a time
    // (queueSize 1): the body comes from a client, so sending parts in parallel would not make it faster, only
    // hold more of it in memory; while a part is sent the stream is not read, and the client waits.
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body, ContentType: contentType },
      queueSize: 1,
    });
    await upload.done();
  }

  async copy(from: string, to: string): Promise<void> {
    assertSafeKey(from);
    assertSafeKey(to);
    try {
      // Safe keys are [A-Za-z0-9/._-]: nothing in CopySource needs encoding. Up to 5 GB (far above MAX_UPLOAD_BYTES).
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: `${this.bucket}/${from}` }));
    } catch (error) {
      throw isNotFound(error) ? new ObjectNotFound(from) : error;
    }
  }

  async get(key: string): Promise<Buffer> {
    const { stream } = await this.getStream(key);
    const chunks: Buffer[] = [];
    for await (const chunk of stream as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
    return Buffer.concat(chunks);
  }

  async getStream(key: string, options: { within?: string } = {}): Promise<ObjectStream> {
    assertSafeKey(key);
    if (options.within !== undefined && !key.startsWith(options.within)) throw new ObjectNotFound(key);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      return { stream: response.Body as Readable, size: response.ContentLength ?? 0, contentType: response.ContentType };
    } catch (error) {
      throw isNotFound(error) ? new ObjectNotFound(key) : error;
    }
  }

  async head(key: string): Promise<StoredObject | null> {
    assertSafeKey(key);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: response.ContentLength ?? 0, contentType: response.ContentType };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertSafePrefix(prefix);
    const keys: string[] = [];
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
    }
    return keys.sort();
  }

  /** ListObjectsV2 with Delimiter "/": the folders are its CommonPrefixes. */
  async listFolders(prefix: string, options: { startAfter?: string; limit?: number } = {}): Promise<string[]> {
    assertFolder(prefix);
    const limit = options.limit ?? Infinity;
    const folders: string[] = [];
    // A folder's own keys sort after "<folder>/" itself: start after "<folder>0" ("0" follows "/") to pass them all.
    const startAfter = options.startAfter?.endsWith("/") ? `${options.startAfter.slice(0, -1)}0` : options.startAfter;
    const pages = paginateListObjectsV2(
      { client: this.client, pageSize: Math.min(1000, Number.isFinite(limit) ? limit : 1000) },
      { Bucket: this.bucket, Prefix: prefix, Delimiter: "/", StartAfter: startAfter },
    );
    for await (const page of pages) {
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) folders.push(common.Prefix);
      if (folders.length >= limit) break;
    }
    return folders.sort().slice(0, limit);
  }

  async lastModified(prefix: string): Promise<Date | null> {
    assertSafePrefix(prefix);
    let newest: Date | null = null;
    for await (const page of paginateListObjectsV2({ client: this.client }, { Bucket: this.bucket, Prefix: prefix })) {
      for (const object of page.Contents ?? []) {
        if (object.LastModified && (newest === null || object.LastModified > newest)) newest = object.LastModified;
      }
    }
    return newest;
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertSafePrefix(prefix);
    let deleted = 0;
    const pages = paginateListObjectsV2({ client: this.client, pageSize: DELETE_BATCH }, { Bucket: this.bucket, Prefix: prefix });
    for await (const page of pages) {
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length === 0) continue;
      const response = await this.client.send(
        new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }),
      );
      const failures = response.Errors ?? [];
      if (failures.length > 0) {
        const first = failures[0];
        throw new Error(`S3 could not delete ${failures.length} object(s) under "${prefix}", e.g. ${first.Key}: ${first.Code} ${first.Message}`);
      }
      deleted += keys.length;
    }
    return deleted;
  }

  /**
   * Presigned GET. Signing is CPU work on the web's hot path (a status answer lists two URLs per page), so a URL is
   * reused while more than half of its lifetime remains; the cache is bounded.
   */
  async url(key: string): Promise<string> {
    assertSafeKey(key);
    const now = Date.now();
    const cached = this.signedUrls.get(key);
    if (cached && cached.reuseUntil > now) return cached.url;
    const command = new GetObjectCommand({ Bucket: this.bucket, Key: key });
    const url = await getSignedUrl(this.signer, command, { expiresIn: this.options.signedUrlTtlSeconds });
    if (this.signedUrls.size >= SIGNED_URL_CACHE_SIZE) this.signedUrls.delete(this.signedUrls.keys().next().value as string);
    this.signedUrls.set(key, { url, reuseUntil: now + (this.options.signedUrlTtlSeconds * 1000) / 2 });
    return url;
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw bucketCheckError(this.bucket, this.config.endpoint ?? `AWS region ${this.config.region}`, error);
    }
  }
}
