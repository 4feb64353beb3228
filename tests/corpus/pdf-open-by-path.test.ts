import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPdf } from "@pagewise/pdf";
import { REOPEN_AFTER_PAGES } from "../../packages/pdf/src/pdf-document";
import { FileSource } from "../../packages/pdf/src/file-source";
import { failureCode } from "../support/failure-code";
import { corpusDir } from "../support/services";

const file = (name: string) => path.join(corpusDir, `${name}.pdf`);
const limits = { dpi: 36, maxPixels: 1_000_000 };

describe("openPdf(path): pdf.js reads the file by range and is re-opened along a long document", () => {
  it("reads only part of a long PDF to open it and render a page", async () => {
    const read = FileSource.prototype.read;
    let bytes = 0;
    const spy = jest.spyOn(FileSource.prototype, "read").mockImplementation(function (this: FileSource, begin: number, end: number) {
      bytes += end - begin;
      return read.call(this, begin, end);
    });
    try {
      const doc = await openPdf(file("text-1370p-lwarp-manual"), { maxPages: 2000 });
      expect(doc.numPages).toBe(1370);
      (await doc.renderPage(700, limits)).release();
      await doc.destroy();
    } finally {
      spy.mockRestore();
    }
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(fs.statSync(file("text-1370p-lwarp-manual")).size / 2);
  });

  it("renders the same pixels as from bytes, across re-opens of the document", async () => {
    const byPath = await openPdf(file("text-117p-geotopo"), { maxPages: 2000 });
    const byBytes = await openPdf(new Uint8Array(fs.readFileSync(file("text-117p-geotopo"))), { maxPages: 2000 });
    try {
      for (let n = 1; n <= REOPEN_AFTER_PAGES + 3; n++) {
        const a = await byPath.renderPage(n, limits);
        const b = await byBytes.renderPage(n, limits);
        if (n % 10 === 3) expect(Buffer.from(a.image().data).equals(Buffer.from(b.image().data))).toBe(true);
        a.release();
        b.release();
      }
      expect((await byPath.textBoxes(REOPEN_AFTER_PAGES + 2, 1)).length).toBeGreaterThan(0); // the re-opened document serves text too
    } finally {
      await byPath.destroy();
      await byBytes.destroy();
    }
  }, 120_000);

  it("renders a page asked for while the document is being re-opened on the new document, not cancelled on the old", async () => {
    // The compute child handles two page requests at once (the parent pipelines them); a call that arrives while the
    // re-open is under way must wait for it, or the old document's destroy() cancels its render ("Rendering
    // cancelled", which failed attempts of the 1,370- and 2,415-page documents until none were left).
    const doc = await openPdf(file("text-117p-geotopo"), { maxPages: 2000 });
    try {
      for (let n = 1; n <= REOPEN_AFTER_PAGES; n++) (await doc.renderPage(n, limits)).release();
      const numbers = [1, 2, 3, 4, 5, 6].map((i) => REOPEN_AFTER_PAGES + i);
      const pages = await Promise.all(numbers.map((n) => doc.renderPage(n, { dpi: 150, maxPixels: 16_000_000 })));
      expect(pages.map((p) => p.number)).toEqual(numbers);
      for (const page of pages) page.release();
    } finally {
      await doc.destroy();
    }
  });

  it("fails an empty, a non-PDF, a truncated and an encrypted file with their codes, and closes the file", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-open-"));
    const empty = path.join(dir, "empty.pdf");
    fs.writeFileSync(empty, "");
    expect(await failureCode(openPdf(empty, { maxPages: 10 }))).toBe("empty_file");
    expect(await failureCode(openPdf(file("not-pdf-html"), { maxPages: 10 }))).toBe("pdf_corrupt");
    expect(await failureCode(openPdf(file("truncated-50pct"), { maxPages: 10 }))).toBe("pdf_corrupt");
    expect(await failureCode(openPdf(file("encrypted-user-password"), { maxPages: 10 }))).toBe("pdf_encrypted");
    expect(await failureCode(openPdf(file("text-117p-geotopo"), { maxPages: 100 }))).toBe("too_many_pages");
    const fds = fs.readdirSync("/proc/self/fd").length;
    expect(await failureCode(openPdf(file("not-pdf-html"), { maxPages: 10 }))).toBe("pdf_corrupt");
    expect(fs.readdirSync("/proc/self/fd").length).toBe(fds);
  });
});
