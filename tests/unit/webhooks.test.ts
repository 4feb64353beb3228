import { randomBytes } from "node:crypto";
import { UnrecoverableError, type Job } from "bullmq";
import { Webhook } from "standardwebhooks";
import { isRefusedAddress, resolveWebhookTarget, signWebhook, webhookSecretBytes, WebhookTargetRefused } from "@pagewise/core";
import { webEnvSchema, workerEnvSchema } from "@pagewise/config";
import type { WebhookDelivery, WebhookDeliveryState } from "@pagewise/db";
import { createLogger } from "@pagewise/logger";
import { defaultJobOptions, JobName, parseJobPayload } from "@pagewise/queue";
import { classifyStatus, deliverWebhookHandler } from "@pagewise/worker/webhooks/deliver-handler";
import { uploadOptions } from "@pagewise/web/upload-options";

const secret = `whsec_${randomBytes(32).toString("base64")}`;

describe("webhook signatures (Standard Webhooks)", () => {
  it("are verified by the standardwebhooks package, and fail it when the body changes", () => {
    const body = JSON.stringify({ type: "document.succeeded", timestamp: new Date().toISOString(), data: { id: "x" } });
    const headers = signWebhook(webhookSecretBytes(secret), "msg_0123456789abcdef0123456789abcdef", body);
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('"x"', '"y"'), { ...headers })).toThrow();
    expect(() => new Webhook(`whsec_${randomBytes(32).toString("base64")}`).verify(body, { ...headers })).toThrow();
  });

  it("take only secrets in the spec's format", () => {
    expect(() => webhookSecretBytes("plain-secret")).toThrow(/whsec_/);
    expect(() => webhookSecretBytes(`whsec_${randomBytes(8).toString("base64")}`)).toThrow(/24 to 64/);
    const env = { WEBHOOK_SECRET: "nope" };
    expect(workerEnvSchema.safeParse(env).success).toBe(false);
    expect(workerEnvSchema.safeParse({ WEBHOOK_SECRET: secret }).success).toBe(true);
    expect(webEnvSchema.safeParse({ WEBHOOK_URL: "https://hooks.example.com/x" }).success).toBe(false); // no secret
    expect(webEnvSchema.safeParse({ WEBHOOK_URL: "https://hooks.example.com/x", WEBHOOK_SECRET: secret }).success).toBe(true);
  });
});

describe("webhook targets", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254", // cloud metadata
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "fe80::1",
    "fd00:ec2::254", // AWS metadata over IPv6
    "::ffff:127.0.0.1",
  ])("refuses %s", (address) => expect(isRefusedAddress(address)).toBe(true));

  it.each(["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"])("accepts %s", (address) => expect(isRefusedAddress(address)).toBe(false));

  it("resolves names and refuses those that resolve to a refused address, unless private targets are allowed", async () => {
    await expect(resolveWebhookTarget("http://localhost:9/x", false)).rejects.toBeInstanceOf(WebhookTargetRefused);
    await expect(resolveWebhookTarget("http://[::1]:9/x", false)).rejects.toMatchObject({ reason: "private_address" });
    await expect(resolveWebhookTarget("http://127.0.0.1:9/x", true)).resolves.toEqual({ address: "127.0.0.1", family: 4 });
  });
});

describe("upload options (retention and webhooks)", () => {
  const policy = { retentionHours: 24, webhooksEnabled: true, allowPrivateWebhooks: false, webhookUrl: "https://hooks.example.com/all" };
  const code = (promise: Promise<unknown>) => promise.then(() => "accepted", (error: { code?: string }) => error.code);

  it("refuses private, loopback and metadata callback URLs, and URLs that are not http(s)", async () => {
    expect(await code(uploadOptions({ callbackUrl: "http://127.0.0.1:8080/hook" }, policy, true))).toBe("callback_url_refused");
    expect(await code(uploadOptions({ callbackUrl: "http://169.254.169.254/latest" }, policy, true))).toBe("callback_url_refused");
    expect(await code(uploadOptions({ callbackUrl: "ftp://example.com/x" }, policy, true))).toBe("bad_callback_url");
    expect(await code(uploadOptions({ callbackUrl: "http://127.0.0.1/x" }, { ...policy, allowPrivateWebhooks: true }, true))).toBe("accepted");
  });

  it("bounds expiresInHours by RETENTION_HOURS, which applies when none is given, and falls back to WEBHOOK_URL", async () => {
    expect(await code(uploadOptions({ expiresInHours: "25" }, policy, true))).toBe("bad_expires_in");
    expect(await code(uploadOptions({ expiresInHours: 0 }, policy, false))).toBe("bad_expires_in");
    expect(await code(uploadOptions({ expiresInHours: "soon" }, policy, true))).toBe("bad_expires_in");
    const now = Date.UTC(2026, 0, 1);
    expect(await uploadOptions({ expiresInHours: 1.5 }, policy, false, now)).toEqual({
      expiresAt: new Date(now + 1.5 * 3600_000),
      callbackUrl: "https://hooks.example.com/all",
      webhookPages: false,
    });
    expect((await uploadOptions({}, policy, true, now)).expiresAt).toEqual(new Date(now + 24 * 3600_000));
    expect((await uploadOptions({}, { webhooksEnabled: false, allowPrivateWebhooks: false }, true, now)).expiresAt).toBeNull();
  });

  it("refuses callbacks when webhooks are not configured", async () => {
    const off = { webhooksEnabled: false, allowPrivateWebhooks: false };
    expect(await code(uploadOptions({ callbackUrl: "https://example.com/x" }, off, false))).toBe("webhooks_unavailable");
  });
});

describe("webhook delivery (pure steps)", () => {
  it("retries network errors, 5xx, 408 and 429, and gives up on other statuses", () => {
    expect([200, 204].map(classifyStatus)).toEqual(["delivered", "delivered"]);
    expect([500, 503, 429, 408].map(classifyStatus)).toEqual(["retry", "retry", "retry", "retry"]);
    expect([301, 400, 404, 410].map(classifyStatus)).toEqual(["give_up", "give_up", "give_up", "give_up"]);
  });

  it("retries for about a day with exponential backoff and jitter", () => {
    const options = defaultJobOptions[JobName.DeliverWebhook];
    const delay = (options.backoff as { delay: number }).delay;
    const longest = delay * (2 ** ((options.attempts ?? 1) - 1) - 1);
    expect(longest / 3600_000).toBeGreaterThan(20);
    expect(longest / 3600_000).toBeLessThan(36);
    expect(options.backoff).toMatchObject({ type: "exponential", jitter: 0.5 });
    expect(parseJobPayload(JobName.DeliverWebhook, { deliveryId: "msg_0123456789abcdef0123456789abcdef", later: 1 })).toEqual({
      deliveryId: "msg_0123456789abcdef0123456789abcdef",
    });
    expect(() => parseJobPayload(JobName.DeliverWebhook, { deliveryId: "7d5c2f9e-3b1a-4c2d-9e8f-0a1b2c3d4e5f" })).toThrow();
  });

  it("checks the target again at delivery (DNS rebinding): a URL accepted at upload that now resolves to loopback is not posted", async () => {
    const recorded: Array<[WebhookDeliveryState, number | null]> = [];
    const delivery: WebhookDelivery = {
      id: "msg_0123456789abcdef0123456789abcdef",
      documentId: "7d5c2f9e-3b1a-4c2d-9e8f-0a1b2c3d4e5f",
      event: "document.succeeded",
      url: "http://localhost:9/hook",
      payload: { type: "document.succeeded" },
      state: "pending",
      attempts: 0,
    };
    let posted = false;
    const handler = deliverWebhookHandler({
      deliveries: { find: async () => delivery, recordAttempt: async (_id, state, status) => void recorded.push([state, status]) },
      secret: webhookSecretBytes(secret),
      allowPrivate: false,
      timeoutMs: 1000,
      log: createLogger("t", "silent"),
      post: async () => {
        posted = true;
        return { status: 204 };
      },
    });
    const job = { attemptsMade: 0, opts: { attempts: 15 } } as unknown as Job;
    await expect(handler({ deliveryId: delivery.id }, job, undefined)).rejects.toBeInstanceOf(UnrecoverableError);
    expect(posted).toBe(false);
    expect(recorded).toEqual([["failed", null]]);
  });
});
