import fs from "node:fs/promises";
import path from "node:path";
import { SingleBar, Presets } from "cli-progress";
import { DEFAULT_MAX_IMAGE_PIXELS } from "@pagewise/core";
import { createDetector, PpocrRecognizer } from "@pagewise/detector";
import { openSource, sourceKindOf } from "@pagewise/pdf";
import { parsePageRange, processPage } from "@pagewise/pipeline";
import { detectorFromFlags, type DetectorFlagValues } from "./detector-flags";
import { pageFileNames, pageJson } from "./page-files";

export interface DetectOptions extends DetectorFlagValues {
  out: string;
  pages?: string;
  dpi: number;
  maxPixels: number;
  /** An image declaring more pixels is refused before decoding (MAX_IMAGE_PIXELS). */
  maxImagePixels?: number;
  ocr: boolean;
  progress: boolean;
}

export interface DetectSummary {
  pages: number;
  detections: number;
  files: string[];
}

/**
 * The embedded mode: the worker's page pipeline in this process, without Redis, Postgres or S3. Writes each
 * page's annotated PNG and JSON into `out` and shows a progress bar on stderr when it is a terminal.
 */
export async function detectCommand(pdfPath: string, options: DetectOptions): Promise<DetectSummary> {
  const settings = detectorFromFlags(options);
  // A PDF, or an image (PNG, JPEG, WebP, TIFF: each frame a page), told by its first bytes as the server does.
  const pdf = await openSource(pdfPath, await sourceKindOf(pdfPath), {
    maxPages: Number.MAX_SAFE_INTEGER,
    maxDeclaredPixels: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
  });
  const detector = createDetector(settings.id, settings.options);
  // Constructing it loads nothing: its model loads on the first page with text, and only with --ocr.
  const recognizer = new PpocrRecognizer(settings.options.threads);
  const bar = new SingleBar({ format: "{bar} {value}/{total} pages | {detections} detections | ETA {eta_formatted}", hideCursor: true }, Presets.shades_classic);
  try {
    const pages = options.pages ? parsePageRange(options.pages, pdf.numPages) : Array.from({ length: pdf.numPages }, (_, i) => i + 1);
    await fs.mkdir(options.out, { recursive: true });
    await detector.load();
    if (options.progress) bar.start(pages.length, 0, { detections: 0 });
    const summary: DetectSummary = { pages: 0, detections: 0, files: [] };
    for (const number of pages) {
      const { png, result } = await processPage(pdf, {
        number,
        limits: { dpi: options.dpi, maxPixels: options.maxPixels },
        detector,
        recognizer: options.ocr ? recognizer : undefined,
      });
      const files = pageFileNames(pdfPath, number);
      await fs.writeFile(path.join(options.out, files.png), png);
      await fs.writeFile(path.join(options.out, files.json), JSON.stringify(pageJson(result, files), null, 2) + "\n");
      summary.pages += 1;
      summary.detections += result.detections.length;
      summary.files.push(files.png, files.json);
      if (options.progress) bar.increment(1, { detections: summary.detections });
    }
    return summary;
  } finally {
    if (options.progress) bar.stop();
    await pdf.destroy();
    await detector.dispose();
    await recognizer.dispose();
  }
}
