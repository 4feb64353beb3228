import { z } from "zod";
import { resolveWebhookTarget, WebhookTargetRefused } from "@pagewise/core";
import { callbackUrlSchema, expiresInHoursSchema, uploadFields } from "./api-schemas";
import { apiError } from "./http-error";
import { parse } from "./validate";

/** Retention and webhook settings of the server (RETENTION_HOURS, WEBHOOK_URL, WEBHOOK_SECRET set, WEBHOOK_ALLOW_PRIVATE). */
export interface UploadPolicy {
  retentionHours?: number;
  webhookUrl?: string;
  webhooksEnabled: boolean;
  allowPrivateWebhooks: boolean;
}

/** What an upload asked for, as raw fields (multipart strings, or JSON values). */
export interface RequestedOptions {
  callbackUrl?: unknown;
  webhookPages?: unknown;
  expiresInHours?: unknown;
}

/** The document columns they become. */
export interface UploadOptions {
  expiresAt: Date | null;
  callbackUrl: string | null;
  webhookPages: boolean;
}

/** The fields' schemas, made once (a zod schema built per request costs more CPU than parsing with it). */
const fieldSchemas = {
  multipart: { hours: uploadFields.shape.expiresInHours, pages: uploadFields.shape.webhookPages },
  json: { hours: expiresInHoursSchema.optional(), pages: z.boolean().optional() },
};
const optionalCallbackUrl = callbackUrlSchema.optional();

const refusal = {
  scheme: "only http and https are sent to",
  private_address: "it resolves to a loopback, private, link-local or metadata address",
  unresolvable: "its host name does not resolve",
} as const;

/**
 * Checks an upload's retention and webhook fields against the server's policy: expiresInHours at most
 * RETENTION_HOURS (which applies when none is given), and a callback URL that resolves to a public address (unless
 * WEBHOOK_ALLOW_PRIVATE), else WEBHOOK_URL. `multipart`: the values are strings.
 */
export async function uploadOptions(given: RequestedOptions, policy: UploadPolicy, multipart: boolean, now = Date.now()): Promise<UploadOptions> {
  const limitText = policy.retentionHours === undefined ? "" : ` and at most ${policy.retentionHours} (RETENTION_HOURS)`;
  const schemas = multipart ? fieldSchemas.multipart : fieldSchemas.json;
  const hours = parse(schemas.hours, given.expiresInHours, () => apiError("bad_expires_in", { limit: limitText }));
  if (hours !== undefined && policy.retentionHours !== undefined && hours > policy.retentionHours)
    throw apiError("bad_expires_in", { limit: limitText });
  const keepHours = hours ?? policy.retentionHours;
  const webhookPages = parse(schemas.pages, given.webhookPages, () => apiError("bad_webhook_pages")) ?? false;
  const asked = parse(optionalCallbackUrl, given.callbackUrl, () => apiError("bad_callback_url"));
  if ((asked || webhookPages) && !policy.webhooksEnabled) throw apiError("webhooks_unavailable");
  if (asked) {
    try {
      await resolveWebhookTarget(asked, policy.allowPrivateWebhooks);
    } catch (error) {
      if (error instanceof WebhookTargetRefused) throw apiError("callback_url_refused", { reason: refusal[error.reason] });
      throw error;
    }
  }
  return {
    expiresAt: keepHours === undefined ? null : new Date(now + keepHours * 3600_000),
    callbackUrl: asked ?? policy.webhookUrl ?? null,
    webhookPages,
  };
}
