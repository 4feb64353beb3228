import { SseParser, type SseEvent } from "../../apps/ui/src/sse-parser";
import { Waiters } from "./waiters";

export interface SseSession {
  events: SseEvent[];
  /** Resolves with all events so far once `predicate` holds for one of them; rejects at the deadline. */
  until(predicate: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent[]>;
  /** The raw text received, comments included (to see heartbeats). */
  raw(): string;
  close(): void;
  response: Response;
}

/** Opens an SSE stream with fetch and collects its events; nothing here sleeps, it waits on the stream. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseSession> {
  const abort = new AbortController();
  const response = await fetch(url, { headers: { Accept: "text/event-stream", ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  let text = "";
  const waiters = new Waiters();
  const parser = new SseParser();
  if (response.body) {
    void (async () => {
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
          events.push(...parser.push(value));
          waiters.wake();
        }
      } catch {
        // aborted
      }
    })();
  }
  return {
    events,
    response,
    raw: () => text,
    close: () => abort.abort(),
    until(predicate, timeoutMs) {
      return waiters.until(
        () => (events.some(predicate) ? [...events] : undefined),
        timeoutMs,
        () => `SSE: condition not met within ${timeoutMs} ms; events so far: ${JSON.stringify(events)}`,
      );
    },
  };
}
