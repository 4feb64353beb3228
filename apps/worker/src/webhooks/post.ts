import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { ResolvedTarget, WebhookHeaders } from "@pagewise/core";

/** The receiver's answer: its status (the body is read and dropped). */
export interface PostResult {
  status: number;
}

/**
 * One POST of a webhook body, to the address the target check resolved (the connection never does a second DNS
 * lookup, so a name cannot point elsewhere between the check and the request), with the host name kept for the Host
 * header and TLS. Redirects are not followed. The whole exchange has `timeoutMs`; past it the request is aborted and
 * the promise rejects (a network error, retried).
 */
export function postWebhook(url: string, target: ResolvedTarget, headers: WebhookHeaders, body: string, timeoutMs: number): Promise<PostResult> {
  const parsed = new URL(url);
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as unknown as (e: null, a: ResolvedTarget[]) => void)(null, [target]);
    else callback(null, target.address, target.family);
  };
  const transport = parsed.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      parsed,
      {
        method: "POST",
        lookup,
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "user-agent": "Pagewise-Webhooks/1",
          ...headers,
        },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? 0 }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
