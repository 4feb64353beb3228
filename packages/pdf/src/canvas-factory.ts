import type { Canvas, SKRSContext2D } from "@napi-rs/canvas";

/**
 * Canvases for pdf.js (its documented `CanvasFactory` option, and the page's own canvas) whose recorded drawing is
 * bounded.
 *
 * @napi-rs/canvas records drawing (a Skia picture) and plays it back only when the canvas is read, encoded or
 * drawn elsewhere. Each `drawImage(canvas)` records a copy of the source's pixels and each `putImageData` a copy
 * of the data, and both live as long as the recording. pdf.js paints every transparency group and soft mask
 * through a scratch canvas the size of the group's box (often the whole page) and draws it into its parent
 * (`beginGroup`/`endGroup`): a drawing of thousands of groups records a page-sized copy for each, and the process
 * grows by hundreds of MB a second (docs/benchmarks.md). Here each context counts the bytes
 * it has recorded that way and flushes its canvas (plays the recording onto its raster and drops it, what
 * `canvas.data()` does first) once they pass `FLUSH_AFTER_BYTES`.
 */
const FLUSH_AFTER_BYTES = 24 * 2 ** 20;

type CreateCanvas = (width: number, height: number) => Canvas;

/** Canvases holding pixels (an image put or drawn on them), as opposed to vector drawing only. */
const rasters = new WeakSet<object>();

/** Marks a canvas as holding pixels (image-budget.ts's shrunk images are made outside a bounded context). */
export function markRaster(canvas: object): void {
  rasters.add(canvas);
}

/**
 * A canvas whose 2D context bounds its recording:
 * - a canvas of vector drawing only (a transparency group, a soft mask, the layer of a soft-masked drawing) is
 *   drawn into another with `drawCanvas`, which records the source's picture instead of a copy of its pixels, so
 *   the source is never rasterised at all (a fraction of the memory and time: docs/benchmarks.md). Canvases
 *   holding pixels keep `drawImage`, whose
 *   image sampling pdf.js's output depends on (drawing them as pictures changed scanned pages visibly);
 * - every FLUSH_AFTER_BYTES of pixel copies recorded (drawImage of a raster, putImageData) the canvas is flushed.
 */
export function boundedCanvas(createCanvas: CreateCanvas, width: number, height: number): { canvas: Canvas; context: SKRSContext2D } {
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  let recorded = 0;
  const record = (bytes: number) => {
    rasters.add(canvas);
    recorded += bytes;
    if (recorded < FLUSH_AFTER_BYTES) return;
    recorded = 0;
    canvas.data(); // flushes; the returned view of the raster is dropped at once
  };
  const { drawImage, drawCanvas, putImageData } = context;
  const CanvasClass = canvas.constructor;
  // Own properties on this context object: pdf.js calls them as methods, and nothing else is changed.
  context.drawImage = function (this: SKRSContext2D, ...args: Parameters<SKRSContext2D["drawImage"]>) {
    const source = args[0] as { width?: unknown; height?: unknown };
    if (source instanceof CanvasClass && !rasters.has(source)) {
      (drawCanvas as (...a: unknown[]) => void).apply(this, args);
      return;
    }
    (drawImage as (...a: unknown[]) => void).apply(this, args);
    record(typeof source.width === "number" && typeof source.height === "number" ? source.width * source.height * 4 : 0);
  } as SKRSContext2D["drawImage"];
  // A clear of the whole canvas (pdf.js clears its soft-mask layer after composing each drawing into the page):
  // the recording before it is dead weight that a picture of this canvas would carry along, once per compose, so
  // play it out now; the canvas is a raster from then on.
  const { clearRect } = context;
  context.clearRect = function (this: SKRSContext2D, x: number, y: number, w: number, h: number) {
    clearRect.call(this, x, y, w, h);
    const { a, b, c, d, e, f } = this.getTransform();
    if (x <= 0 && y <= 0 && x + w >= canvas.width && y + h >= canvas.height && a === 1 && b === 0 && c === 0 && d === 1 && e === 0 && f === 0) {
      rasters.add(canvas);
      recorded = 0;
      canvas.data();
    }
  };
  context.putImageData = function (this: SKRSContext2D, ...args: Parameters<SKRSContext2D["putImageData"]>) {
    (putImageData as (...a: unknown[]) => void).apply(this, args);
    record(args[0].width * args[0].height * 4);
  } as SKRSContext2D["putImageData"];
  return { canvas, context };
}

interface CanvasAndContext {
  canvas: Canvas | null;
  context: SKRSContext2D | null;
}

/**
 * pdf.js's canvas factory interface (create/reset/destroy, as its BaseCanvasFactory), with bounded canvases. A
 * destroyed canvas is set to 1 x 1, not 0 x 0 as pdf.js does: @napi-rs/canvas turns a zero size into 350 x 150.
 */
export function boundedCanvasFactory(createCanvas: CreateCanvas) {
  return class BoundedCanvasFactory {
    create(width: number, height: number): CanvasAndContext {
      if (width <= 0 || height <= 0) throw new Error("Invalid canvas size");
      return boundedCanvas(createCanvas, width, height);
    }

    reset(entry: CanvasAndContext, width: number, height: number): void {
      if (!entry.canvas) throw new Error("Canvas is not specified");
      if (width <= 0 || height <= 0) throw new Error("Invalid canvas size");
      entry.canvas.width = width;
      entry.canvas.height = height;
    }

    destroy(entry: CanvasAndContext): void {
      if (!entry.canvas) throw new Error("Canvas is not specified");
      entry.canvas.width = 1;
      entry.canvas.height = 1;
      entry.canvas = null;
      entry.context = null;
    }
  };
}
