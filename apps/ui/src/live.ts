import { api, authHeaders } from "./api";
import { SseParser } from "./sse-parser";
import type { Failure, Status } from "./types";

export interface LiveHandlers {
  onStatus(status: Status, error: Failure | null): void;
  onProgress(page: number, of: number): void;
  /** How updates arrive now: "sse", or "polling" after SSE failed. */
  onMode?(mode: "sse" | "polling"): void;
}

const POLL_WAIT_SECONDS = 25;
const SSE_RETRY_MS = 3000;
const SSE_ATTEMPTS_BEFORE_POLLING = 3;

/** `?live=poll` in the page URL forces the long-poll fallback (to try it, or when a proxy buffers SSE). */
const forcePolling = () => new URLSearchParams(location.search).get("live") === "poll";

/**
 * Follows one document: Server-Sent Events from GET /api/documents/{id}/events read with fetch (so the API key
 * can be sent), reconnecting after drops; after repeated failures, long-polls GET /api/documents/{id}?wait=25.
 * Returns a function that stops following.
 */
export function followDocument(id: string, handlers: LiveHandlers): () => void {
  const abort = new AbortController();
  let stopped = false;
  let failures = 0;

  const pause = (ms: number) => new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    abort.signal.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });

  async function viaSse(): Promise<void> {
    const res = await fetch(`/api/documents/${id}/events`, { headers: authHeaders({ Accept: "text/event-stream" }), signal: abort.signal });
    if (!res.ok || !res.body || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream"))
      throw new Error(`events answered ${res.status}`);
    handlers.onMode?.("sse");
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = new SseParser();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const event of parser.push(value)) {
        failures = 0;
        const data = JSON.parse(event.data) as Record<string, unknown>;
        if (event.event === "status") handlers.onStatus(data.status as Status, (data.error as Failure | undefined) ?? null);
        else if (event.event === "progress") handlers.onProgress(data.page as number, data.of as number);
      }
    }
  }

  async function viaPolling(): Promise<void> {
    handlers.onMode?.("polling");
    let since = "";
    while (!stopped) {
      try {
        const doc = await api.document(id, since ? { seconds: POLL_WAIT_SECONDS, since } : undefined);
        const tag = `${doc.status}:${doc.pagesDone}`;
        if (tag !== since) {
          handlers.onStatus(doc.status, doc.error);
          if (doc.pageCount) handlers.onProgress(doc.pagesDone, doc.pageCount);
          since = tag;
        }
      } catch {
        if (!stopped) await pause(SSE_RETRY_MS);
      }
    }
  }

  void (async () => {
    if (!forcePolling()) {
      while (!stopped && failures < SSE_ATTEMPTS_BEFORE_POLLING) {
        try {
          await viaSse();
        } catch {
          if (stopped) return;
        }
        failures++;
        if (!stopped) await pause(SSE_RETRY_MS);
      }
    }
    if (!stopped) await viaPolling();
  })();

  return () => {
    stopped = true;
    abort.abort();
  };
}
