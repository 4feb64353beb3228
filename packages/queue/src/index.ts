export { QueueName, JobName } from "./names";
export { jobPayloadSchemas, parseJobPayload, isJobName } from "./payloads";
export type { JobPayload } from "./payloads";
export { defaultJobOptions, HOUSEKEEPING_SCHEDULER_ID, WEBHOOK_ATTEMPTS } from "./options";
export { redisOptionsFor, createRedis, bullConnection } from "./connection";
export { connectRedis } from "./connect";
export type { ConnectionRole } from "./connection";
export { DocumentQueue, WebhookQueue } from "./producer";
