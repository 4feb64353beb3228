export { QueueName, JobName } from "./names";
export { parseJobPayload, isJobName } from "./payloads";
export type { JobPayload } from "./payloads";
export { defaultJobOptions, HOUSEKEEPING_SCHEDULER_ID } from "./options";
export { createRedisClient } from "./connection";
export type { RedisClient } from "./connection";
export { connectRedis } from "./connect";
export { DocumentQueue, WebhookQueue, rangeJobId } from "./producer";
