import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";
import type { StorageConfig } from "@pagewise/config";
import { createObjectStore } from "@pagewise/storage";

/*
 * s3rver 3.7's DeleteObjects deletes its keys in parallel, and each deletion then removes the directories it left
 * empty with a readdir/rmdir pair that races with its siblings' (ENOENT, or ENOTEMPTY: "InternalError"). Real S3 has
 * no directories. Deleting one object at a time in the test server keeps a batch's semantics without the race.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const FilesystemStore = require("s3rver/lib/stores/filesystem") as { prototype: { deleteObject(bucket: string, key: string): Promise<void> } };
const parallelDelete = FilesystemStore.prototype.deleteObject;
let deletions: Promise<unknown> = Promise.resolve();
FilesystemStore.prototype.deleteObject = function (this: unknown, bucket: string, key: string) {
  const next = deletions.then(() => parallelDelete.call(this, bucket, key));
  deletions = next.catch(() => undefined);
  return next;
};

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  config: StorageConfig;
  /** Keys under a prefix, read through the S3 API. */
  listKeys(prefix: string): Promise<string[]>;
  /** Takes the server off the network (outage) while keeping its data. */
  pause(): Promise<void>;
  /** Brings it back on the same port with the same data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

/** s3rver on 127.0.0.1 (random port) over a temp directory, with one fresh bucket. Call stop() in afterAll. */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "pagewise-s3rver-"));
  const bucket = `pagewise-test-${randomBytes(4).toString("hex")}`;
  const make = (port: number) =>
    new S3rver({ address: "127.0.0.1", port, silent: true, directory, configureBuckets: [{ name: bucket }] });
  let server = make(0);
  let port: number;
  try {
    port = (await server.run()).port;
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const config: StorageConfig = {
    driver: "s3",
    bucket,
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  };
  let running = true;
  return {
    endpoint,
    bucket,
    config,
    async listKeys(prefix) {
      return createObjectStore(config).list(prefix);
    },
    async pause() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async resume() {
      if (running) return;
      server = make(port);
      await server.run();
      running = true;
    },
    async stop() {
      if (running) await server.close();
      running = false;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
