import path from "node:path";
import type { CommonEnv } from "./env";

export type StorageConfig =
  | { driver: "local"; directory: string }
  | {
      driver: "s3";
      bucket: string;
      region: string;
      endpoint?: string;
      /** Where browsers reach the bucket, when not at `endpoint` (e.g. MinIO inside docker compose): used for presigned URLs. */
      publicEndpoint?: string;
      forcePathStyle: boolean;
      credentials?: { accessKeyId: string; secretAccessKey: string };
    };

/** With S3_BUCKET set results go to S3; otherwise to a local directory (the embedded default). */
export function storageConfigFrom(env: CommonEnv): StorageConfig {
  if (!env.S3_BUCKET) return { driver: "local", directory: path.resolve(env.DATA_DIR) };
  return {
    driver: "s3",
    bucket: env.S3_BUCKET,
    region: env.S3_REGION,
    endpoint: env.S3_ENDPOINT,
    publicEndpoint: env.S3_PUBLIC_ENDPOINT,
    forcePathStyle: env.S3_FORCE_PATH_STYLE,
    credentials:
      env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
        ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY }
        : undefined,
  };
}
