import type { Response } from "express";

export interface SseStream {
  send(event: string, data: unknown): void;
  /** Runs `fn` once when the stream ends, whoever ended it. */
  onClose(fn: () => void): void;
  end(): void;
}

/**
 * Turns a response into a Server-Sent Events stream: no buffering by proxies, a reconnect hint, and a comment
 * line every `heartbeatMs` so idle connections survive proxies (Heroku's router drops them after 55 s idle).
 */
export function openSse(res: Response, heartbeatMs: number): SseStream {
  res.status(200);
  res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
  res.setHeader("Cache-Control", "no-cache, no-transform");
  res.setHeader("Connection", "keep-alive");
  res.setHeader("X-Accel-Buffering", "no");
  res.flushHeaders();
  res.write("retry: 3000\n\n");

  const closers: Array<() => void> = [];
  let closed = false;
  const heartbeat = setInterval(() => {
    if (!closed) res.write(": heartbeat\n\n");
  }, heartbeatMs);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers) fn();
  };
  res.on("close", close); // the client went away, or we ended the response

  return {
    send(event, data) {
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
    end() {
      close();
      res.end();
    },
  };
}
