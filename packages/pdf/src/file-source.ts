import fs from "node:fs/promises";
import type { PDFDataRangeTransport } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Pdfjs } from "./load-pdfjs";

/**
 * A PDF on local disk that pdf.js reads by range (its PDFDataRangeTransport), chunk by chunk as it needs them,
 * instead of a copy of the whole file in memory. With `disableAutoFetch` and `disableStream` pdf.js asks only for
 * the chunks it parses (the trailer, the xref, the objects of the pages rendered); it keeps each chunk it has read
 * in a buffer the size of the file, whose untouched pages the kernel never backs with memory, so what is resident
 * grows with what was read: `bytesRead` tells the document when to re-open the file (PdfjsDocument).
 */
export class FileSource {
  /** Bytes handed to pdf.js since the file was opened. */
  bytesRead = 0;

  private constructor(
    private readonly handle: fs.FileHandle,
    readonly length: number,
  ) {}

  static async open(path: string): Promise<FileSource> {
    const handle = await fs.open(path, "r");
    try {
      const { size } = await handle.stat();
      return new FileSource(handle, size);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /** A new transport over this file for one pdf.js document (a transport serves one getDocument). */
  transport(pdfjs: Pdfjs): PDFDataRangeTransport {
    const read = (begin: number, end: number) => this.read(begin, end);
    class FileRangeTransport extends pdfjs.PDFDataRangeTransport {
      override requestDataRange(begin: number, end: number): void {
        // A failed read answers an empty chunk: pdf.js then fails that page (or the open) with a parse error
        // instead of waiting for data forever.
        read(begin, end).then(
          (chunk) => this.onDataRange(begin, chunk),
          () => this.onDataRange(begin, new Uint8Array(0)),
        );
      }
    }
    return new FileRangeTransport(this.length, null);
  }

  async read(begin: number, end: number): Promise<Uint8Array> {
    const chunk = new Uint8Array(Math.max(0, Math.min(end, this.length) - begin));
    let filled = 0;
    while (filled < chunk.length) {
      const { bytesRead } = await this.handle.read(chunk, filled, chunk.length - filled, begin + filled);
      if (bytesRead === 0) break; // the file shrank under us
      filled += bytesRead;
    }
    this.bytesRead += filled;
    return filled === chunk.length ? chunk : chunk.slice(0, filled);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
