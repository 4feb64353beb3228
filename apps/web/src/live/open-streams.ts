import type { SseStream } from "./sse";

/** The SSE streams open in this process, so a shutdown can end them (else server.close() waits for them). */
export class OpenStreams {
  private readonly streams = new Set<SseStream>();

  add(stream: SseStream): void {
    this.streams.add(stream);
    stream.onClose(() => this.streams.delete(stream));
  }

  get size(): number {
    return this.streams.size;
  }

  endAll(): void {
    for (const stream of [...this.streams]) stream.end();
  }
}
