import { constants, promises as fs } from "node:fs";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { contentTypeFor } from "./content-type";
import { ObjectNotFound, UnsafeKey } from "./errors";
import { assertFolder, assertSafeKey, assertSafePrefix } from "./key-guard";
import { isMissing, listTree, writeAtomically } from "./local-files";
import type { ObjectStore, ObjectStream, StoredObject } from "./object-store";

/**
 * Objects as files under one directory, key "a/b.png" → `${directory}/a/b.png`.
 * Writes are atomic (temp file + rename). Content types are derived from the key's extension
 * (.png, .json, .pdf, else application/octet-stream) rather than kept in sidecar files: one file per
 * object keeps writes atomic and deletes simple, and every key Pagewise writes has a telling extension.
 * The contentType passed to put/putStream is therefore not stored.
 */
export class LocalObjectStore implements ObjectStore {
  readonly driver = "local" as const;
  private readonly root: string;

  constructor(
    directory: string,
    private readonly urlBase: string,
  ) {
    this.root = path.resolve(directory);
  }

  async put(key: string, body: Buffer, _contentType: string): Promise<void> {
    await writeAtomically(this.pathOf(key), (temp) => fs.writeFile(temp, body));
  }

  async putStream(key: string, body: Readable, _contentType: string): Promise<void> {
    // Straight into the temp file beside the key; a failed body leaves nothing (writeAtomically removes it). The file
    // is opened before the first byte, so the removal never runs ahead of a late open that would create it again.
    await writeAtomically(this.pathOf(key), async (temp) => {
      const file = await fs.open(temp, "w");
      await pipeline(body, file.createWriteStream());
    });
  }

  async copy(from: string, to: string): Promise<void> {
    const source = this.pathOf(from);
    try {
      await writeAtomically(this.pathOf(to), (temp) => fs.copyFile(source, temp));
    } catch (error) {
      throw isMissing(error) ? new ObjectNotFound(from) : error;
    }
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.readFile(this.pathOf(key));
    } catch (error) {
      throw isMissing(error) ? new ObjectNotFound(key) : error;
    }
  }

  async readStart(key: string, length: number): Promise<Buffer> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.pathOf(key), "r");
    } catch (error) {
      throw isMissing(error) ? new ObjectNotFound(key) : error;
    }
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async getStream(key: string, options: { within?: string } = {}): Promise<ObjectStream> {
    const file = this.pathOf(key);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(file, "r");
    } catch (error) {
      throw isMissing(error) ? new ObjectNotFound(key) : error;
    }
    try {
      // Stat the open handle: size and content belong to the same file even if it is replaced meanwhile.
      const stats = await handle.stat();
      if (!stats.isFile()) throw new ObjectNotFound(key);
      const { within } = options;
      if (within !== undefined && !(key.startsWith(within) && within.endsWith("/") && (await this.reallyWithin(file, stats, within))))
        throw new ObjectNotFound(key);
      return { stream: handle.createReadStream(), size: stats.size, contentType: contentTypeFor(key) };
    } catch (error) {
      await handle.close();
      throw isMissing(error) ? new ObjectNotFound(key) : error;
    }
  }

  /**
   * The opened file is the one at `file`'s real path, and that path lies inside the real path of `folder`: a symlink
   * anywhere on the way (the file, or a directory above it) cannot lead out of the folder.
   */
  private async reallyWithin(file: string, opened: { dev: number; ino: number }, folder: string): Promise<boolean> {
    const [realFile, realFolder] = await Promise.all([fs.realpath(file), fs.realpath(this.pathOf(folder.slice(0, -1)))]);
    if (!realFile.startsWith(realFolder + path.sep)) return false;
    const real = await fs.stat(realFile);
    return real.dev === opened.dev && real.ino === opened.ino;
  }

  async head(key: string): Promise<StoredObject | null> {
    try {
      const stats = await fs.stat(this.pathOf(key));
      return stats.isFile() ? { size: stats.size, contentType: contentTypeFor(key) } : null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertSafePrefix(prefix);
    const base = path.join(this.root, prefix.slice(0, prefix.lastIndexOf("/") + 1));
    const { files } = await listTree(base);
    return files
      .map((file) => this.keyOf(file))
      .filter((key) => key.startsWith(prefix))
      .sort();
  }

  async listFolders(prefix: string, options: { startAfter?: string; limit?: number } = {}): Promise<string[]> {
    assertFolder(prefix);
    let entries;
    try {
      entries = await fs.readdir(path.join(this.root, prefix), { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    return entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${prefix}${entry.name}/`)
      .filter((folder) => options.startAfter === undefined || folder > options.startAfter)
      .sort()
      .slice(0, options.limit ?? Infinity);
  }

  async lastModified(prefix: string): Promise<Date | null> {
    assertSafePrefix(prefix);
    const base = path.join(this.root, prefix.slice(0, prefix.lastIndexOf("/") + 1));
    let newest: number | null = null;
    for (const file of (await listTree(base)).files) {
      if (!this.keyOf(file).startsWith(prefix)) continue;
      const stats = await fs.stat(file).catch((error: unknown) => {
        if (isMissing(error)) return null; // deleted meanwhile
        throw error;
      });
      if (stats && (newest === null || stats.mtimeMs > newest)) newest = stats.mtimeMs;
    }
    return newest === null ? null : new Date(newest);
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertSafePrefix(prefix);
    // Same semantics as S3: a plain string prefix. Only the directory holding the prefix's last "/" can match.
    const base = path.join(this.root, prefix.slice(0, prefix.lastIndexOf("/") + 1));
    const { files, directories } = await listTree(base);
    let deleted = 0;
    for (const file of files.filter((file) => this.keyOf(file).startsWith(prefix))) {
      await fs.rm(file, { force: true });
      deleted += 1;
    }
    // Leave no empty directories behind: remove the matching ones, deepest first, if now empty.
    const candidates = [base, ...directories].filter((dir) => dir !== this.root && `${this.keyOf(dir)}/`.startsWith(prefix));
    for (const dir of candidates.reverse()) {
      await fs.rmdir(dir).catch(() => undefined);
    }
    return deleted;
  }

  async url(key: string): Promise<string> {
    assertSafeKey(key);
    return `${this.urlBase}/${key.split("/").map(encodeURIComponent).join("/")}`;
  }

  async check(): Promise<void> {
    const probe = path.join(this.root, `.check-${process.pid}`);
    try {
      await fs.mkdir(this.root, { recursive: true });
      await fs.access(this.root, constants.W_OK);
      await writeAtomically(probe, (temp) => fs.writeFile(temp, "ok"));
      await fs.rm(probe, { force: true });
    } catch (error) {
      throw new Error(`Local storage directory ${this.root} is not writable: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Absolute file path for a key; rejects unsafe keys and, as a second guard, anything resolving outside root. */
  private pathOf(key: string): string {
    assertSafeKey(key);
    const full = path.resolve(this.root, key);
    if (!full.startsWith(this.root + path.sep)) throw new UnsafeKey(key);
    return full;
  }

  private keyOf(fullPath: string): string {
    return path.relative(this.root, fullPath).split(path.sep).join("/");
  }
}
