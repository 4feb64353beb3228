import type { Detection, RgbaImage } from "@pagewise/core";
import type { Canvas } from "@napi-rs/canvas";
import type { PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Affine } from "./affine";
import { encodeOpaquePng } from "./png";

export interface RenderedPage {
  readonly number: number;
  readonly width: number;
  readonly height: number;
  /** Pixels per PDF point. */
  readonly scale: number;
  /** The page's /Rotate, in degrees (0, 90, 180 or 270); the image is already upright. */
  readonly rotation: number;
  /**
   * Page-image pixels → PDF user-space points: the inverse of pdf.js's viewport transform, so the page's origin
   * (MediaBox/CropBox offset), the y flip and /Rotate are all undone.
   */
  readonly pdfTransform: Affine;
  /** A copy of the page's RGBA pixels (including any annotations drawn so far). */
  image(): RgbaImage;
  /**
   * The page scaled to width × height by Skia (bilinear, no mipmaps: the sampling of OpenCV's INTER_LINEAR, within
   * half a grey level), as RGBA. For a detector's input: no full-size copy and no scaling loop in JavaScript.
   */
  scaledImage(width: number, height: number): RgbaImage;
  /** Stroke each detection's polygon (or box) onto the page. */
  annotate(detections: Detection[]): void;
  /** The page as an 8-bit RGB PNG (it is opaque), annotations included. */
  toPng(): Promise<Buffer>;
  /** page.cleanup() and drop the canvas; the page cannot be used afterwards. */
  release(): void;
}

const STROKE = "rgba(255, 64, 0, 0.8)";

/**
 * One scratch canvas per process for scaledImage(), reused from page to page (drawing into it is synchronous).
 * Its size is set on every use: that resets the canvas, whose recorded drawing would otherwise keep a reference to
 * every page ever drawn into it (RSS grew with every page without the reset).
 */
let scratch: Canvas | undefined;

/**
 * Frees a canvas' raster and recorded drawing now, as pdf.js does with its own canvases: V8 does not know how much
 * native memory a canvas holds, so a dropped one waits for a major collection and raises the child's peak
 * (docs/benchmarks.md).
 */
export function freeCanvas(canvas: Pick<Canvas, "width" | "height">): void {
  // 1 × 1, not 0 × 0: @napi-rs/canvas turns a zero size into 350 × 150.
  canvas.width = 1;
  canvas.height = 1;
}

function scratchCanvas(like: Canvas, width: number, height: number): Canvas {
  // A canvas of the same class as the page's, without importing @napi-rs/canvas here at load time.
  scratch ??= new (like.constructor as new (width: number, height: number) => Canvas)(width, height);
  scratch.width = width;
  scratch.height = height;
  return scratch;
}

export class CanvasPage implements RenderedPage {
  readonly width: number;
  readonly height: number;
  private canvas: Canvas | undefined;
  /** Settles once every toPng() started so far has finished reading the raster. */
  private encodings: Promise<unknown> | undefined;

  /** The fields are RenderedPage's; width and height are the canvas'. */
  constructor(
    private readonly page: PDFPageProxy,
    canvas: Canvas,
    readonly number: number,
    readonly scale: number,
    readonly rotation: number,
    readonly pdfTransform: Affine,
  ) {
    this.canvas = canvas;
    this.width = canvas.width;
    this.height = canvas.height;
  }

  image(): RgbaImage {
    const { data } = this.live().getContext("2d").getImageData(0, 0, this.width, this.height);
    return { width: this.width, height: this.height, data };
  }

  scaledImage(width: number, height: number): RgbaImage {
    const canvas = scratchCanvas(this.live(), width, height);
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = "low";
    context.drawImage(this.live(), 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    return { width, height, data };
  }

  annotate(detections: Detection[]): void {
    const context = this.live().getContext("2d");
    context.save();
    context.strokeStyle = STROKE;
    context.lineWidth = 2;
    context.lineJoin = "round";
    for (const { box, polygon } of detections) {
      context.beginPath();
      if (polygon.length >= 3) {
        polygon.forEach(([x, y], i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
        context.closePath();
      } else {
        context.rect(box[0], box[1], box[2] - box[0], box[3] - box[1]);
      }
      context.stroke();
    }
    context.restore();
  }

  toPng(): Promise<Buffer> {
    // data() plays the recorded drawing (the annotations) onto the raster and returns a view of it, premultiplied
    // RGBA, which on this opaque page is plain RGBA. The encoder reads that view row by row while zlib deflates, so
    // release() frees the canvas only once it is done. Skia's own encoder (canvas.encode) took 2-5x the CPU: png.ts.
    const encoding = encodeOpaquePng(this.live().data(), this.width, this.height);
    this.encodings = Promise.allSettled([this.encodings, encoding]);
    return encoding;
  }

  get released(): boolean {
    return this.canvas === undefined;
  }

  release(): void {
    const canvas = this.canvas;
    if (!canvas) return;
    this.canvas = undefined;
    this.page.cleanup();
    // Never resize a canvas under an encoder that is still reading its raster.
    const encodings = this.encodings;
    this.encodings = undefined;
    if (encodings) void encodings.then(() => freeCanvas(canvas));
    else freeCanvas(canvas);
  }

  private live(): Canvas {
    if (!this.canvas) throw new Error(`page ${this.number} was released`);
    return this.canvas;
  }
}
