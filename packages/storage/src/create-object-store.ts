import type { StorageConfig } from "@pagewise/config";
import { LocalObjectStore } from "./local-store";
import type { ObjectStore, ObjectStoreOptions } from "./object-store";
import { S3ObjectStore } from "./s3-store";

const DEFAULT_LOCAL_URL_BASE = "/api/files";
const DEFAULT_SIGNED_URL_TTL_SECONDS = 3600;
const DEFAULT_MAX_ATTEMPTS = 5;

export function createObjectStore(config: StorageConfig, options: ObjectStoreOptions = {}): ObjectStore {
  if (config.driver === "local") {
    const urlBase = (options.localUrlBase ?? DEFAULT_LOCAL_URL_BASE).replace(/\/+$/, "");
    return new LocalObjectStore(config.directory, urlBase);
  }
  return new S3ObjectStore(config, {
    signedUrlTtlSeconds: options.signedUrlTtlSeconds ?? DEFAULT_SIGNED_URL_TTL_SECONDS,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}
