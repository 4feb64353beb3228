import fs from "node:fs";
import path from "node:path";
import { createDetector } from "@pagewise/detector";
import { applyAffine, openPdf } from "@pagewise/pdf";
import { processPage } from "@pagewise/pipeline";
import { corpusDir } from "../support/services";

const detector = createDetector("ppocr-det", { threads: 1, maxSide: 960 });
beforeAll(() => detector.load());
afterAll(() => detector.dispose());

const inside = (p: readonly number[], box: readonly number[], slack: number) =>
  p[0] >= box[0] - slack && p[0] <= box[2] + slack && p[1] >= box[1] - slack && p[1] <= box[3] + slack;

/**
 * rotated-arabic-4p.pdf has /Rotate 90, 180, 270 and 0 on pages 1-4. Detections carry `pdf` boxes in PDF user
 * space; pdf.js's text items carry their baseline origin in the same space (item.transform[4..5]).
 */
describe("PDF-point coordinates on /Rotate pages (rotated-arabic-4p)", () => {
  const bytes = new Uint8Array(fs.readFileSync(path.join(corpusDir, "rotated-arabic-4p.pdf")));

  it.each([1, 2, 3, 4])("page %i: every text item's origin lies in a detection's PDF box, and pixels map back onto the items", async (number) => {
    const doc = await openPdf(bytes, { maxPages: 10 });
    try {
      const { result } = await processPage(doc, { number, limits: { dpi: 150, maxPixels: 20_000_000 }, detector });
      expect(result.rotation).toBe([90, 180, 270, 0][number - 1]);
      const items = await doc.textBoxes(number, result.scale);
      expect(items.length).toBeGreaterThan(0);
      expect(result.detections.length).toBeGreaterThan(0);
      for (const item of items) {
        // The origin sits on the item's baseline at its start: inside the (unclipped, so slightly larger) line box.
        expect([item.text, result.detections.some((d) => inside(item.origin, d.pdf!.box, 1))]).toEqual([item.text, true]);
      }
      // The same transform takes each item's pixel box back to a PDF box holding its origin (within the descent).
      const page = await doc.renderPage(number, { dpi: 150, maxPixels: 20_000_000 });
      for (const item of items) {
        const [x0, y0, x1, y1] = item.box;
        const a = applyAffine(page.pdfTransform, x0, y0);
        const b = applyAffine(page.pdfTransform, x1, y1);
        const pdfBox = [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[0], b[0]), Math.max(a[1], b[1])];
        expect(inside(item.origin, pdfBox, 0.01)).toBe(true);
      }
      for (const d of result.detections) {
        const { box, polygon } = d.pdf!;
        expect(box[0]).toBeLessThan(box[2]);
        expect(box[1]).toBeLessThan(box[3]);
        expect(polygon).toHaveLength(d.polygon.length);
      }
    } finally {
      await doc.destroy();
    }
  });
});
