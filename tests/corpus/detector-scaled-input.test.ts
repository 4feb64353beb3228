import fs from "node:fs";
import path from "node:path";
import { createDetector } from "@pagewise/detector";
import { openPdf } from "@pagewise/pdf";
import { iou } from "../../packages/detector/src/yolo/decode";
import { corpusDir } from "../support/services";

/**
 * The pipeline gives the detector a page scaled by Skia (RenderedPage.scaledImage) instead of scaling the full page
 * in JavaScript the way PaddleOCR does (OpenCV INTER_LINEAR). Both must give the same detections.
 */
const limits = { dpi: 150, maxPixels: 20_000_000 };
const detector = createDetector("ppocr-det", { threads: 1, maxSide: 960 });

beforeAll(() => detector.load());
afterAll(() => detector.dispose());

describe("ppocr-det on a Skia-scaled page against PaddleOCR's own resizing (150 dpi, max side 960)", () => {
  // Measured on these pages and on a 36-page manual (1420 boxes): every box found again with IoU >= 0.8, the same
  // count (one extra box on the scanned page), and no input pixel more than half a grey level apart.
  it.each([
    ["multicolumn-latex", 1],
    ["slides-beamer-conference-talk", 2],
    ["scanned-book-page", 1],
  ])("%s page %i: the same boxes either way", async (name, pageNumber) => {
    const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, `${name}.pdf`))), { maxPages: 100 });
    try {
      const page = await doc.renderPage(pageNumber, limits);
      const size = detector.inputSize?.(page.width, page.height);
      expect(size).toBeDefined();
      const reference = await detector.detect(page.image());
      const scaled = await detector.detect(page.scaledImage(size!.width, size!.height), { width: page.width, height: page.height });
      expect(reference.length).toBeGreaterThan(0);
      expect(Math.abs(scaled.length - reference.length)).toBeLessThanOrEqual(1);
      const found = reference.filter((r) => scaled.some((s) => iou(r.box, s.box) >= 0.8)).length;
      expect(found / reference.length).toBeGreaterThanOrEqual(0.98);
    } finally {
      await doc.destroy();
    }
  });
});
