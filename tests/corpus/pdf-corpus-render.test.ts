import fs from "node:fs";
import path from "node:path";
import { openPdf, type PdfDocument } from "@pagewise/pdf";
import { failureCode } from "../support/failure-code";
import { corpusDir } from "../support/services";

const read = (name: string) => new Uint8Array(fs.readFileSync(path.join(corpusDir, `${name}.pdf`)));
const limits = { dpi: 150, maxPixels: 20_000_000 };
const open = (name: string, maxPages = 2000) => openPdf(read(name), { maxPages });

async function withDoc<T>(name: string, use: (doc: PdfDocument) => Promise<T>): Promise<T> {
  const doc = await open(name);
  try {
    return await use(doc);
  } finally {
    await doc.destroy();
  }
}

describe("openPdf + renderPage on the corpus", () => {
  it("renders an A4 pdfTeX page at 150 dpi on white", () =>
    withDoc("text-1p-pdflatex", async (doc) => {
      expect(doc.numPages).toBe(1);
      const page = await doc.renderPage(1, limits);
      expect([page.width, page.height, page.rotation]).toEqual([1240, 1754, 0]);
      expect(page.scale).toBeCloseTo(150 / 72, 10);
      const { data, width, height } = page.image();
      expect(data).toHaveLength(width * height * 4);
      expect(Array.from(data.subarray(0, 4))).toEqual([255, 255, 255, 255]); // white margin, opaque
      const dark = data.filter((v, i) => i % 4 === 0 && v < 128).length;
      expect(dark / (width * height)).toBeGreaterThan(0.005); // there is text on it
      const png = await page.toPng();
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      page.release();
      expect(() => page.image()).toThrow(/released/);
    }));

  it("release() during a PNG encode leaves the encode whole (the raster is freed only after it)", () =>
    withDoc("text-1p-pdflatex", async (doc) => {
      const page = await doc.renderPage(1, limits);
      const encoding = page.toPng();
      page.release();
      const png = await encoding;
      // IHDR: width and height, big-endian, at bytes 16 and 20.
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1240, 1754]);
      expect(() => page.image()).toThrow(/released/);
    }));

  it("comes out upright for /Rotate 90, 180, 270, 0: width and height swap for 90 and 270", () =>
    withDoc("rotated-arabic-4p", async (doc) => {
      const pages = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.renderPage(n, limits);
        const text = await doc.textBoxes(n, page.scale);
        pages.push({ size: [page.width, page.height], rotation: page.rotation, text: text.length });
        page.release();
      }
      expect(pages).toEqual([
        { size: [1754, 1240], rotation: 90, text: 2 },
        { size: [1240, 1754], rotation: 180, text: 2 },
        { size: [1754, 1240], rotation: 270, text: 2 },
        { size: [1240, 1754], rotation: 0, text: 2 },
      ]);
    }));

  it("renders small landscape slides", () =>
    withDoc("slides-beamer-conference-talk", async (doc) => {
      expect(doc.numPages).toBe(31);
      const page = await doc.renderPage(2, limits);
      expect([page.width, page.height]).toEqual([756, 567]);
      expect((await doc.textBoxes(2, page.scale)).length).toBeGreaterThan(0);
    }));

  it("caps a 8400 pt page by maxPixels, not by dpi", () =>
    withDoc("bigpage-8400pt-35000px-mono", async (doc) => {
      const page = await doc.renderPage(1, limits);
      expect(page.width * page.height).toBeLessThanOrEqual(limits.maxPixels);
      expect(page.width).toBeGreaterThan(4000);
      expect(page.scale).toBeLessThan(150 / 72);
    }));

  it("renders a 3.84 pt page", () =>
    withDoc("tinypage-4pt-ccitt", async (doc) => {
      const page = await doc.renderPage(1, limits);
      expect([page.width, page.height]).toEqual([8, 8]);
      expect(page.image().data).toHaveLength(8 * 8 * 4);
    }));

  it.each(["encrypted-owner-password-only", "damaged-xref-recoverable", "hostile-page-count-1e10", "hostile-jbig2-content-bomb"])("opens and renders %s", (name) =>
    withDoc(name, async (doc) => {
      // The /Count 9999999999 file has one real page, and pdf.js counts that; pdf.js skips the JBIG2 content bomb.
      expect(doc.numPages).toBe(1);
      const page = await doc.renderPage(1, limits);
      expect(page.width).toBeGreaterThan(0);
    }));

  it.each([
    ["encrypted-user-password", "pdf_encrypted"],
    ["corrupt-header-and-eof-only", "pdf_corrupt"],
    ["truncated-50pct", "pdf_corrupt"],
    ["not-pdf-html", "pdf_corrupt"],
    ["empty-0-bytes", "empty_file"],
  ])("refuses %s with %s", async (name, code) => {
    expect(await failureCode(open(name))).toBe(code);
  });

  it("refuses more pages than the limit", async () => {
    expect(await failureCode(open("multicolumn-latex", 2))).toBe("too_many_pages");
    await (await open("multicolumn-latex", 3)).destroy();
  });

  it("keeps at most two pages in memory (one detected, one rendered ahead): a third releases the oldest", () =>
    withDoc("multicolumn-latex", async (doc) => {
      const first = await doc.renderPage(1, limits);
      const second = await doc.renderPage(2, limits);
      expect(first.image().width).toBe(1240); // still alive: pipelining keeps two
      const third = await doc.renderPage(3, limits);
      expect(() => first.image()).toThrow(/released/);
      expect(second.image().width).toBe(1240);
      expect(third.image().width).toBe(1240);
      second.release();
      const again = await doc.renderPage(1, limits); // a released page frees its place
      expect(third.image().width).toBe(1240);
      expect(again.image().width).toBe(1240);
      await expect(doc.renderPage(4, limits)).rejects.toThrow(RangeError);
    }));
});
