export { QueueName, JobName } from "./names";
export { parseJobPayload, isJobName } from "./payloads";
export type { JobPayload } from "./payloads";
export { defaultJobOptions, HOUSEKEEPING_SCHEDULER_ID } from "./options";
export { redisOptionsFor, bullConnection } from "./connection";
export { connectRedis } from "./connect";
export { DocumentQueue, WebhookQueue, rangeJobId } from "./producer";
