export { commonEnvSchema, launcherEnvSchema, webEnvSchema, workerEnvSchema } from "./env";
export type { CommonEnv, LauncherEnv, WebEnv, WorkerEnv } from "./env";
export { parseEnv, ConfigError } from "./load";
export { storageConfigFrom } from "./storage";
export type { StorageConfig } from "./storage";
