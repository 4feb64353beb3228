import type { Detection, RgbaImage } from "@pagewise/core";
import type { Canvas } from "@napi-rs/canvas";
import type { PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Affine } from "./affine";
import { encodeOpaquePng } from "./png";
import { pixelWords } from "./pixel-words";

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
   * The pixels are a view of a canvas the page holds until release() (or the next scaledImage() call), not a copy:
   * read them before releasing the page.
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
 * Canvases for scaledImage(), reused from page to page: a page takes one on its first scaledImage() and gives it back
 * on release(), so pages in flight at once (the compute child pipelines two) never share one, and the returned pixels
 * can be a view of the canvas' raster instead of a copy. Its size is set on every use: that resets the canvas, whose
 * recorded drawing would otherwise keep a reference to every page ever drawn into it (RSS grew with every page
 * without the reset).
 */
const idleScaledCanvases: Canvas[] = [];

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

function takeScaledCanvas(like: Canvas): Canvas {
  // A canvas of the same class as the page's, without importing @napi-rs/canvas here at load time.
  return idleScaledCanvases.pop() ?? new (like.constructor as new (width: number, height: number) => Canvas)(1, 1);
}

/** Every pixel's alpha is 255. Read as 32-bit words where it can be (alpha is the high byte). */
function isOpaque(rgba: Uint8Array): boolean {
  const pixels = pixelWords(rgba);
  if (pixels) {
    for (let i = 0; i < pixels.length; i++) if (pixels[i] < 0xff000000) return false;
    return true;
  }
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

export class CanvasPage implements RenderedPage {
  readonly width: number;
  readonly height: number;
  private canvas: Canvas | undefined;
  /** Taken from idleScaledCanvases by scaledImage(), given back by release(). */
  private scaled: Canvas | undefined;
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
    const page = this.live();
    const canvas = (this.scaled ??= takeScaledCanvas(page));
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = true;
    context.imageSmoothingQuality = "low";
    context.drawImage(page, 0, 0, width, height);
    // The raster itself where it is opaque (premultiplied RGBA is then plain RGBA), instead of getImageData's copy
    // that un-premultiplies every pixel. A few pages are not opaque everywhere (pdf.js leaves some soft-masked
    // groups' pixels translucent): those still get getImageData's straight RGBA, so the detector sees the same input.
    const raster = canvas.data();
    return { width, height, data: isOpaque(raster) ? raster : context.getImageData(0, 0, width, height).data };
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
    if (this.scaled) idleScaledCanvases.push(this.scaled);
    this.scaled = undefined;
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
