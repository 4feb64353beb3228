import path from "node:path";
import { type Canvas, createCanvas } from "@napi-rs/canvas";
import { openPdf } from "@pagewise/pdf";
import type { RenderedPage } from "../../packages/pdf/src/rendered-page";
import { corpusDir } from "../support/services";

const limits = { dpi: 150, maxPixels: 20_000_000 };

/**
 * What scaledImage() returned before it handed out a view of its raster: the same Skia draw of the page's canvas (a
 * private field, read here only to redo the old code), read back by getImageData (straight RGBA, a copy).
 */
function referenceScaled(page: RenderedPage, width: number, height: number): Uint8ClampedArray {
  const { canvas } = page as unknown as { canvas: Canvas };
  const target = createCanvas(width, height);
  const context = target.getContext("2d");
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = "low";
  context.drawImage(canvas, 0, 0, width, height);
  return context.getImageData(0, 0, width, height).data;
}

const open = (name: string) => openPdf(path.join(corpusDir, `${name}.pdf`), { maxPages: 1000 });

describe("RenderedPage.scaledImage (a view of its own canvas' raster)", () => {
  it.each([
    ["multicolumn-latex", 1, 736, 960],
    ["scanned-book-page", 1, 736, 960],
    // Not opaque everywhere (translucent pixels left by pdf.js): scaledImage falls back to getImageData.
    ["slides-beamer-conference-talk", 2, 768, 576],
  ])("%s page %i: the same bytes as getImageData of the same draw", async (name, pageNumber, width, height) => {
    const doc = await open(name);
    try {
      const page = await doc.renderPage(pageNumber, limits);
      try {
        const scaled = page.scaledImage(width, height);
        expect(scaled.data.length).toBe(width * height * 4);
        expect(Buffer.from(scaled.data).equals(Buffer.from(referenceScaled(page, width, height)))).toBe(true);
      } finally {
        page.release();
      }
    } finally {
      await doc.destroy();
    }
  });

  it("two pages in flight keep their own pixels (the compute child pipelines pages)", async () => {
    const doc = await open("text-117p-geotopo");
    try {
      const first = await doc.renderPage(1, limits);
      const second = await doc.renderPage(2, limits);
      try {
        const a = first.scaledImage(96, 64);
        const before = Buffer.from(a.data);
        expect(a.data).toBeInstanceOf(Buffer); // opaque pages: a view of the raster, not getImageData's copy
        const b = second.scaledImage(96, 64);
        expect(Buffer.from(a.data).equals(before)).toBe(true);
        expect(Buffer.from(b.data).equals(before)).toBe(false);
      } finally {
        first.release();
        second.release();
      }
    } finally {
      await doc.destroy();
    }
  });
});
