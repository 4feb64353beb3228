import { performance } from "node:perf_hooks";
import type { PageResult } from "@pagewise/core";
import type { Detector, TextRecognizer } from "@pagewise/detector";
import type { PdfDocument, RenderLimits } from "@pagewise/pdf";
import { pdfRegion } from "./pdf-coordinates";
import { recognizeText } from "./recognize-text";

export interface PageWork {
  number: number;
  limits: RenderLimits;
  detector: Detector;
  /** Given only when the document asked for OCR; loaded on the first page that needs it (its load() is idempotent). */
  recognizer?: TextRecognizer;
}

export interface PageTimings {
  renderMs: number;
  /** Detection, plus text recognition when asked for. */
  inferenceMs: number;
  annotateMs: number;
}

export interface PageOutput {
  png: Buffer;
  result: PageResult;
  timings: PageTimings;
}

/**
 * One page, the same way in the worker's compute child and in the command line: render → detect → [OCR on the
 * clean raster] → PDF coordinates → annotate → PNG. The rendered page is released before returning.
 */
export async function processPage(pdf: PdfDocument, work: PageWork): Promise<PageOutput> {
  const t0 = performance.now();
  const page = await pdf.renderPage(work.number, work.limits);
  try {
    const t1 = performance.now();
    // The detector's input is scaled by Skia where the adapter says what size it takes; boxes come back in page pixels.
    // Without an input size the adapter scales the full page itself; that copy then serves OCR too.
    const inputSize = work.detector.inputSize?.(page.width, page.height);
    const full = inputSize ? undefined : page.image();
    let detections = inputSize
      ? await work.detector.detect(page.scaledImage(inputSize.width, inputSize.height), { width: page.width, height: page.height })
      : await work.detector.detect(full!);
    if (work.recognizer && detections.length > 0) {
      await work.recognizer.load();
      detections = await recognizeText(full ?? page.image(), detections, work.recognizer);
    }
    detections = detections.map((d) => ({ ...d, pdf: pdfRegion(d, page.pdfTransform) }));
    const t2 = performance.now();
    page.annotate(detections);
    const png = await page.toPng();
    const t3 = performance.now();
    return {
      png,
      result: {
        number: work.number,
        width: page.width,
        height: page.height,
        scale: page.scale,
        rotation: page.rotation,
        detector: work.detector.id,
        detections,
      },
      timings: { renderMs: t1 - t0, inferenceMs: t2 - t1, annotateMs: t3 - t2 },
    };
  } finally {
    page.release();
  }
}
