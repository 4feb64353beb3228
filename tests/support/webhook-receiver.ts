import http from "node:http";
import type { AddressInfo } from "node:net";
import { Waiters } from "./waiters";

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  json: { type: string; timestamp: string; data: Record<string, unknown> };
}

/**
 * A webhook receiver on loopback for tests. Its answer depends on the path: `/ok/…` 204; `/flaky/…` 500 the first
 * time, then 204; `/gone/…` 410; `/hang/…` holds the first request unanswered (until `stop`), then 200.
 */
export interface WebhookReceiver {
  url(path: string): string;
  received: ReceivedWebhook[];
  /** Resolves with the n-th (1-based) request whose path starts with `path`, or rejects after `timeoutMs`. */
  waitFor(path: string, n?: number, timeoutMs?: number): Promise<ReceivedWebhook>;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const waiters = new Waiters();
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = req.url ?? "/";
      const earlier = received.filter((r) => r.path === path).length;
      received.push({ path, headers: req.headers as Record<string, string>, body, json: JSON.parse(body) as ReceivedWebhook["json"] });
      waiters.wake();
      if (path.startsWith("/flaky/")) res.writeHead(earlier === 0 ? 500 : 204).end();
      else if (path.startsWith("/gone/")) res.writeHead(410).end();
      else if (path.startsWith("/hang/") && earlier === 0) held.push(res);
      else res.writeHead(path.startsWith("/hang/") ? 200 : 204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: (path) => `${base}${path}`,
    received,
    waitFor(path, n = 1, timeoutMs = 60_000) {
      return waiters.until(
        () => received.filter((r) => r.path.startsWith(path))[n - 1],
        timeoutMs,
        () => `no request ${n} on ${path} within ${timeoutMs} ms (got ${received.map((r) => r.path).join(", ")})`,
      );
    },
    async stop() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
