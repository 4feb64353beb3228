import type { Cluster, Redis } from "ioredis";
import { metricsKeys } from "./keys";

/** What became of a page that crossed a limit: processed at a reduced budget, or skipped. */
export type LimitedOutcome = "degraded" | "skipped";
/** The limit it crossed: the compute child's memory ceiling, or the page time limit. */
export type LimitReason = "memory" | "timeout";

export const limitReasons: readonly LimitReason[] = ["memory", "timeout"];

/** The field of the page-limits hash that counts `outcome` pages for `reason`. */
export const limitedField = (outcome: LimitedOutcome, reason: LimitReason) => `${outcome}:${reason}`;

/** Called by the worker for each page degraded or skipped at a limit: one counter per outcome and reason. */
export async function recordLimitedPage(redis: Redis | Cluster, prefix: string, outcome: LimitedOutcome, reason: LimitReason): Promise<void> {
  await redis.hincrby(metricsKeys(prefix).pageLimits, limitedField(outcome, reason), 1);
}
