import type { Cluster, Redis } from "ioredis";
import { metricsKeys } from "./keys";

/** What became of one webhook attempt: received (2xx), to be tried again (network error, 5xx, 429), or given up. */
export type WebhookOutcome = "delivered" | "retried" | "failed";
export const webhookOutcomes: readonly WebhookOutcome[] = ["delivered", "retried", "failed"];

/** Called by the worker after each delivery attempt. */
export async function recordWebhookDelivery(redis: Redis | Cluster, prefix: string, outcome: WebhookOutcome): Promise<void> {
  await redis.hincrby(metricsKeys(prefix).webhookDeliveries, outcome, 1);
}
