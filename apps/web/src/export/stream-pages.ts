import type { Writable } from "node:stream";

/**
 * Resolves once `out` can take more (its buffer drained) or has closed (the client went away): a writer that waits
 * here holds at most one part beyond the socket's buffer, however slowly the client reads.
 */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off("drain", done);
      out.off("close", done);
      resolve();
    };
    out.on("drain", done);
    out.on("close", done);
  });
}

/**
 * Writes `head`, then each page's part as it is read (one page in memory at a time: the next page is read only once
 * the client has taken the last one, so a client that reads slowly, or not at all, holds a page, not the document),
 * then `tail`. A failure before the first byte is a normal error answer; after it, the connection is cut (a
 * truncated body). A client that goes away ends it: no more pages are read.
 */
export async function streamPages<Row, Result>(
  out: Writable,
  rows: readonly Row[],
  read: (row: Row) => Promise<Result>,
  parts: { head: string; page: (result: Result, index: number) => string; tail: () => string },
): Promise<void> {
  let started = false;
  try {
    for (const [index, row] of rows.entries()) {
      if (out.destroyed) return;
      const part = parts.page(await read(row), index);
      if (out.destroyed) return;
      if (!started) out.write(parts.head);
      started = true;
      if (!out.write(part)) await drained(out);
    }
    if (out.destroyed) return;
    if (!started) out.write(parts.head);
    out.end(parts.tail());
  } catch (error) {
    if (!started) throw error;
    out.destroy(error as Error);
  }
}
