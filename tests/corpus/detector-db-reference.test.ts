import fs from "node:fs";
import path from "node:path";
import { openPdf } from "@pagewise/pdf";
import { ppocrDetModelPath } from "../../packages/detector/src/adapters/ppocr-det";
import { boxesFromProbabilities } from "../../packages/detector/src/postprocess";
import { toModelInput } from "../../packages/detector/src/preprocess";
import { iou } from "../../packages/detector/src/yolo/decode";
import { paddleBoxesFromBitmap, referenceAabb } from "../support/paddle-db-reference";
import { corpusDir } from "../support/services";

/** The real PP-OCRv4 probability map of corpus pages, boxed by ppocr-det's post-processing and by the PaddleOCR port. */
describe("ppocr-det post-processing = PaddleOCR's boxes_from_bitmap on real probability maps", () => {
  it.each([
    ["text-1p-pdflatex", 1],
    ["multicolumn-latex", 1],
    ["slides-beamer-conference-talk", 2],
  ])("%s page %i: the same boxes (same count, edges within 4 px)", async (name, pageNumber) => {
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(ppocrDetModelPath(), { intraOpNumThreads: 1 });
    const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, `${name}.pdf`))), { maxPages: 100 });
    try {
      const page = await doc.renderPage(pageNumber, { dpi: 150, maxPixels: 20_000_000 });
      const image = page.image();
      const input = toModelInput(image, 960);
      const out = await session.run({ x: new ort.Tensor("float32", input.data, [1, 3, input.height, input.width]) });
      const prob = out[session.outputNames[0]];
      const [, , height, width] = prob.dims;
      const data = prob.data as Float32Array;
      const ours = boxesFromProbabilities({ data, width, height }, image).map((d) => d.box);
      const reference = paddleBoxesFromBitmap(data, width, height, image).map(referenceAabb);
      // Measured on these pages: identical counts; every edge within 4 px (page pixels, 150 dpi) of its pair; the
      // worst IoU 0.81 is a short word 25 px high whose ragged outline the port's minAreaRect tilts slightly, which
      // makes its axis-aligned hull 4 px taller. Most pairs are identical or 1 px apart.
      expect(ours.length).toBe(reference.length);
      expect(ours.length).toBeGreaterThan(5);
      const ious: number[] = [];
      for (const box of ours) {
        const pair = reference.reduce((best, r) => (iou(box, r) > iou(box, best) ? r : best));
        ious.push(iou(box, pair));
        box.forEach((v, k) => expect(Math.abs(v - pair[k])).toBeLessThanOrEqual(4));
      }
      ious.sort((x, y) => x - y);
      expect(ious[Math.floor(ious.length / 2)]).toBeGreaterThanOrEqual(0.95);
    } finally {
      await doc.destroy();
      await session.release();
    }
  });
});
