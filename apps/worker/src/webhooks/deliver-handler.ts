import { UnrecoverableError, type Job } from "bullmq";
import { resolveWebhookTarget, signWebhook, WebhookTargetRefused } from "@pagewise/core";
import type { PgWebhookDeliveries, WebhookDeliveryState } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { WebhookOutcome } from "@pagewise/metrics";
import type { JobName } from "@pagewise/queue";
import type { JobHandler } from "../handlers";
import { postWebhook, type PostResult } from "./post";

export interface DeliverWebhookDeps {
  deliveries: Pick<PgWebhookDeliveries, "find" | "recordAttempt">;
  /** WEBHOOK_SECRET's bytes; without it nothing is sent (the web accepts no callback URL then). */
  secret: Buffer | undefined;
  allowPrivate: boolean;
  timeoutMs: number;
  log: Logger;
  onOutcome?: (outcome: WebhookOutcome) => Promise<void>;
  /** Tests replace the network. */
  post?: typeof postWebhook;
}

/** What an answer means: received, try again later (5xx, 429, the spec's "temporary" failures), or give up (other). */
export function classifyStatus(status: number): "delivered" | "retry" | "give_up" {
  if (status >= 200 && status < 300) return "delivered";
  if (status >= 500 || status === 429 || status === 408) return "retry";
  return "give_up";
}

/**
 * One attempt at one webhook delivery (a row of webhook_deliveries, written by the database with the transition):
 * the target is checked again (DNS rebinding), the body signed with this attempt's timestamp and the delivery's id
 * (the same `webhook-id` on every retry, so receivers de-duplicate), sent with a timeout. Each attempt is recorded
 * on the delivery and on the document (status answer). A failure to retry rethrows (BullMQ's exponential backoff
 * with jitter); one not to retry ends the job (UnrecoverableError). Delivery is at least once: a worker killed after
 * the receiver answered and before the attempt was recorded sends it again, with the same webhook-id.
 */
export function deliverWebhookHandler(deps: DeliverWebhookDeps): JobHandler<typeof JobName.DeliverWebhook> {
  const post = deps.post ?? postWebhook;
  return async ({ deliveryId }, job: Job) => {
    const delivery = await deps.deliveries.find(deliveryId);
    if (!delivery || delivery.state === "delivered" || delivery.state === "failed") return; // done before (re-delivered job)
    const log = deps.log.child({ deliveryId, documentId: delivery.documentId, event: delivery.event, attempt: job.attemptsMade + 1 });
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const record = async (state: WebhookDeliveryState, status: number | null, outcome: WebhookOutcome) => {
      await deps.deliveries.recordAttempt(deliveryId, state, status);
      await deps.onOutcome?.(outcome).catch(() => undefined);
    };
    const giveUp = async (status: number | null, why: string): Promise<never> => {
      await record("failed", status, "failed");
      log.warn({ status, why }, "webhook delivery given up");
      throw new UnrecoverableError(why);
    };
    if (!deps.secret) return giveUp(null, "WEBHOOK_SECRET is unset on this worker");
    const body = JSON.stringify(delivery.payload);
    let result: PostResult;
    try {
      const target = await resolveWebhookTarget(delivery.url, deps.allowPrivate);
      result = await post(delivery.url, target, signWebhook(deps.secret, deliveryId, body), body, deps.timeoutMs);
    } catch (error) {
      if (error instanceof WebhookTargetRefused) return giveUp(null, `target refused: ${error.message}`);
      if (lastAttempt) return giveUp(null, `network error on the last attempt: ${(error as Error).message}`);
      await record("retrying", null, "retried");
      log.info({ err: error }, "webhook delivery failed; retrying later");
      throw error;
    }
    const verdict = classifyStatus(result.status);
    if (verdict === "delivered") {
      await record("delivered", result.status, "delivered");
      log.info({ status: result.status }, "webhook delivered");
      return;
    }
    if (verdict === "give_up" || lastAttempt) return giveUp(result.status, `receiver answered ${result.status}`);
    await record("retrying", result.status, "retried");
    log.info({ status: result.status }, "webhook receiver failed; retrying later");
    throw new Error(`receiver answered ${result.status}`);
  };
}
