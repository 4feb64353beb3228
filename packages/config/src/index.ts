export { commonEnvSchema, detectorEnvSchema, launcherEnvSchema, webEnvSchema, workerEnvSchema } from "./env";
export type { DetectorEnv, WebEnv, WorkerEnv } from "./env";
export { parseEnv, ConfigError } from "./load";
export { detectorOptionsFrom } from "./detector";
export { storageConfigFrom } from "./storage";
export type { StorageConfig } from "./storage";
export { redisConfigFrom, hashTagOf } from "./redis";
export type { RedisConfig } from "./redis";
