import { isPermanentFailure } from "@pagewise/core";
import { createDetector, PpocrRecognizer, type Detector } from "@pagewise/detector";
import { openSource, type PdfDocument } from "@pagewise/pdf";
import { processPage } from "@pagewise/pipeline";
import { serialized } from "./serialized-detector";
import type { ChildConfig, ChildFatal, ChildReady, ComputeReply, ComputeRequest, OpenReply, PageReply, SerializedError } from "./protocol";

/**
 * The compute child: opens one PDF at a time and turns page numbers into annotated PNGs + detections.
 * It loads the detector before taking work and keeps it until it is recycled; the text recogniser is loaded on the
 * first page of a document that asks for OCR.
 */
const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
let detector: Promise<Detector> | undefined;
// Constructing it loads nothing: its model loads on the first page of a document that asks for OCR.
const recognizer = new PpocrRecognizer(config.detectorOptions.threads);
let pdf: PdfDocument | undefined;

function loadDetector(): Promise<Detector> {
  detector ??= (async () => {
    const d = createDetector(config.detectorId, config.detectorOptions);
    await d.load();
    await warmUp(d);
    return serialized(d);
  })();
  return detector;
}

/**
 * One inference on a blank US Letter page at 150 dpi before the child says it is ready. onnxruntime's first run of a
 * session sizes its memory arena and sets up its kernels: measured in a fresh child (load ~20), the first page's
 * inference took 1.8-2.0 s against 0.7-0.8 s for the next. Done here, that cost falls in the start-up the worker
 * overlaps with its own (ComputePool.prewarm), not in a cold worker's first page.
 * Letter because its model input (736 × 960) is the largest of the common page shapes: the arena grows to the
 * largest input it has seen, and A4 (672 × 960), Legal or a slide then fit in what the warm-up left. Warmed on A4,
 * a Letter document's first page grew the arena a second time: +18-20 MB of peak (docs/benchmarks.md).
 */
async function warmUp(d: Detector): Promise<void> {
  const page = { width: 1275, height: 1650 };
  const size = d.inputSize?.(page.width, page.height) ?? page;
  const blank = { width: size.width, height: size.height, data: new Uint8ClampedArray(size.width * size.height * 4).fill(255) };
  await d.detect(blank, page);
}

async function closeDocument(): Promise<void> {
  const current = pdf;
  pdf = undefined;
  await current?.destroy();
}

async function handle(request: ComputeRequest): Promise<unknown> {
  switch (request.type) {
    case "open": {
      await closeDocument();
      // By path: pdf.js reads the file by range, so the child never holds the whole PDF (a 95 MB file cost it twice that).
      // An image (or a TIFF's frames) opens as a document of pages too: decoded here, behind the same watch.
      pdf = await openSource(request.path, request.kind, {
        maxPages: request.maxPages,
        maxImagePixels: request.maxImagePixels,
        maxDeclaredPixels: request.maxDeclaredPixels,
      });
      return { numPages: pdf.numPages } satisfies OpenReply;
    }
    case "page": {
      if (!pdf) throw new Error("no document is open");
      return (await processPage(pdf, {
        number: request.number,
        limits: request.limits,
        detector: await loadDetector(),
        recognizer: request.ocr ? recognizer : undefined,
      })) satisfies PageReply;
    }
    case "close":
      await closeDocument();
      return null;
  }
}

function serialize(error: unknown): SerializedError {
  if (isPermanentFailure(error)) return { name: error.name, message: error.message, code: error.code };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

// Up to two page requests are handled at once (the parent pipelines them). onnxruntime-node runs an inference on
// this JavaScript thread (it blocks the event loop for the whole run), so what overlaps is Skia's PNG
// encoding of page n (the canvas' native threads) and its upload by the parent with rendering and detecting n+1.
// Detection itself is serialised.
process.on("message", (request: ComputeRequest) => {
  void handle(request).then(
    (value) => process.send?.({ id: request.id, ok: true, value, rss: process.memoryUsage.rss() } satisfies ComputeReply),
    (error: unknown) =>
      process.send?.({ id: request.id, ok: false, error: serialize(error), rss: process.memoryUsage.rss() } satisfies ComputeReply),
  );
});

// Load the detector before taking work, so page deadlines measure page work only. A detector that cannot load is
// reported to the parent (which fails the work with `detector_unavailable`) before the child exits.
loadDetector().then(
  () => process.send?.({ ready: true, rss: process.memoryUsage.rss() } satisfies ChildReady),
  (error: unknown) => {
    const message = `cannot load detector ${config.detectorId}: ${error instanceof Error ? error.message : String(error)}`;
    process.stderr.write(`compute child: ${message}\n`);
    if (!process.send) process.exit(1);
    process.send({ fatal: { code: "detector_unavailable", message } } satisfies ChildFatal, () => process.exit(1));
  },
);

// The parent is gone (killed, crashed): never outlive it.
process.on("disconnect", () => process.exit(0));
