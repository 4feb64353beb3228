export { commonEnvSchema, webEnvSchema, workerEnvSchema } from "./env";
export type { CommonEnv, WebEnv, WorkerEnv } from "./env";
export { parseEnv, ConfigError } from "./load";
export { storageConfigFrom } from "./storage";
export type { StorageConfig } from "./storage";
