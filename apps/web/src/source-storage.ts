import { createHash, randomUUID } from "node:crypto";
import { finished, Transform, type TransformCallback } from "node:stream";
import type { Request } from "express";
import type { StorageEngine } from "multer";
import { SNIFF_BYTES, sourceContentTypes, sourceKindOrCode, storageKeys, type SourceKind } from "@pagewise/core";
import type { ObjectStore } from "@pagewise/storage";
import { apiError, HttpError } from "./http-error";

/** What the upload's storage engine says of the file it stored; multer merges it into `req.file`. */
export interface StoredSource {
  /** The new document's id: the file is stored under its source key, and only a row with this id may own it. */
  documentId: string;
  sourceKey: string;
  size: number;
  sha256: string;
  kind: SourceKind;
}

/** Rejects what the first bytes already tell: empty (400 empty_file) or neither a PDF nor an image we take (415 not_pdf). */
export function sourceKindOr4xx(head: Uint8Array): SourceKind {
  const { kind, code } = sourceKindOrCode(head);
  if (code) throw apiError(code);
  return kind;
}

/** Storing an upload failed on our side (storage unreachable, disk full): a 500, never the client's mistake. */
export class SourceNotStored extends Error {
  constructor(cause: unknown) {
    super("the upload could not be stored", { cause });
    this.name = "SourceNotStored";
  }
}

/** The file stored by sourceStorage, as the route reads it from `req.file` (none when the request had no file part). */
export const storedSourceOf = (req: Request): StoredSource | undefined => req.file as unknown as StoredSource | undefined;

/**
 * An upload's bytes on their way to storage: counted (over `maxBytes` is a 413), hashed (sha256, for reuse and the
 * Idempotency-Key fingerprint), and held back until the first SNIFF_BYTES (or the whole of a shorter file) say what
 * the file is. `kind` resolves then, before a byte is passed on, so storage starts with the right content type;
 * it rejects with the 4xx (`empty_file`, `not_pdf`) or with the error that ended the stream first.
 */
export class SourceInspector extends Transform {
  readonly kind: Promise<SourceKind>;
  // Not `size`: lib-storage's Upload reads a body's `size` as its total length, and a stream longer than 5 MB then
  // failed its part count ("Expected 1 part(s) but uploaded 2").
  bytesRead = 0;
  /** Hex sha256 of every byte, once the stream has ended. */
  sha256 = "";
  private readonly hash = createHash("sha256");
  private head: Buffer[] | undefined = [];
  private headBytes = 0;
  private settle?: { resolve: (kind: SourceKind) => void; reject: (error: Error) => void };

  constructor(private readonly maxBytes: number) {
    super();
    this.kind = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.kind.catch(() => undefined); // the engine awaits it; a rejection nobody awaited yet is no crash
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytesRead += chunk.length;
    if (this.bytesRead > this.maxBytes) return callback(apiError("file_too_large", { limit: this.maxBytes }));
    this.hash.update(chunk);
    if (!this.head) return callback(null, chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) return callback();
    this.decide(callback);
  }

  override _flush(callback: TransformCallback): void {
    this.sha256 = this.hash.digest("hex");
    if (this.head) this.decide(callback);
    else callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // (an Error is made only when needed: capturing its stack on every upload showed in the profile)
    this.settle?.reject(error ?? new Error("the upload ended before its first bytes"));
    this.settle = undefined;
    callback(error);
  }

  private decide(callback: TransformCallback): void {
    const head = Buffer.concat(this.head ?? []);
    this.head = undefined;
    let kind: SourceKind;
    try {
      kind = sourceKindOr4xx(head.subarray(0, SNIFF_BYTES));
    } catch (refused) {
      return callback(refused as Error);
    }
    this.settle?.resolve(kind);
    this.settle = undefined;
    callback(null, head);
  }
}

/**
 * A multer storage engine that streams the file part straight to its final key, `documents/<new id>/source.pdf`,
 * through a SourceInspector: no temp file, and nothing stored when the bytes are refused (too large, neither a
 * PDF nor an image we take) or the client hangs up mid-body (the store's putStream stores nothing from a failed
 * stream). A file that was stored and then not used (the request failed after it, multer's own checks) is removed
 * by multer through `_removeFile`, or by the route.
 */
export function sourceStorage(store: ObjectStore, maxBytes: number): StorageEngine {
  return {
    _handleFile(_req, file, callback) {
      const documentId = randomUUID();
      const sourceKey = storageKeys.source(documentId);
      const inspector = new SourceInspector(maxBytes);
      // Its errors reach us through `kind` or putStream; without a listener of its own an error would be thrown.
      inspector.on("error", () => undefined);
      // A part cut short (busboy destroys it: the client hung up, the form ended early) fails the inspector too.
      let cut: Error | undefined;
      finished(file.stream, (error) => {
        if (!error) return;
        cut = error;
        inspector.destroy(error);
      });
      file.stream.pipe(inspector);
      inspector.kind
        .then(async (kind) => {
          await store.putStream(sourceKey, inspector, sourceContentTypes[kind]);
          return kind;
        })
        .then(
          (kind) => {
            const stored: StoredSource = { documentId, sourceKey, size: inspector.bytesRead, sha256: inspector.sha256, kind };
            callback(null, stored as unknown as Partial<Express.Multer.File>);
          },
          (error: unknown) => {
            file.stream.resume(); // what is left of the part is read and dropped, so busboy can finish the body
            callback(error instanceof HttpError || error === cut ? error : new SourceNotStored(error));
          },
        );
    },
    _removeFile(_req, file, callback) {
      const { documentId } = file as unknown as StoredSource;
      store.deletePrefix(storageKeys.documentPrefix(documentId)).then(
        () => callback(null),
        (error: Error) => callback(error),
      );
    },
  };
}
