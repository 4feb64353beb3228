import { createHmac } from "node:crypto";

/**
 * Standard Webhooks (https://www.standardwebhooks.com): the secret is `whsec_` + base64 of 24 to 64 random bytes;
 * the signature is `v1,` + base64(HMAC-SHA256(secret bytes, `${id}.${timestamp}.${body}`)), the timestamp in whole
 * seconds. Receivers verify with the spec's libraries (e.g. the `standardwebhooks` npm package).
 */
const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

export function webhookSecretBytes(secret: string): Buffer {
  if (!WEBHOOK_SECRET_PATTERN.test(secret)) throw new Error('WEBHOOK_SECRET must be "whsec_" followed by base64');
  const bytes = Buffer.from(secret.slice("whsec_".length), "base64");
  if (bytes.length < 24 || bytes.length > 64) throw new Error("WEBHOOK_SECRET must hold 24 to 64 bytes (base64 after whsec_)");
  return bytes;
}

export interface WebhookHeaders {
  "webhook-id": string;
  "webhook-timestamp": string;
  "webhook-signature": string;
}

/** The three headers of one attempt: the id is the delivery's (the same on every retry), the timestamp this attempt's. */
export function signWebhook(secret: Buffer, id: string, body: string, now: Date = new Date()): WebhookHeaders {
  const timestamp = Math.floor(now.getTime() / 1000).toString();
  const signature = createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64");
  return { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": `v1,${signature}` };
}
