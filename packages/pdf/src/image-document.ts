import { PermanentFailure, type SourceKind } from "@pagewise/core";
import type { Canvas } from "@napi-rs/canvas";
import type SharpFunction from "sharp";
import type { PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import type { Affine } from "./affine";
import type { PdfDocument } from "./pdf-document";
import type { RenderLimits } from "./render-scale";
import { CanvasPage, freeCanvas, type RenderedPage } from "./rendered-page";
import type { TextBox } from "./text-boxes";

export type ImageKind = Exclude<SourceKind, "pdf">;

export interface OpenImageOptions {
  maxPages: number;
  /** A frame that declares more pixels than this is refused (`image_too_large`) before any of it is decoded. */
  maxDeclaredPixels: number;
}

type Sharp = typeof SharpFunction;

/** sharp (libvips) is loaded on the first image document: a child that only ever opens PDFs never maps it (+17 MB). */
let sharpModule: Promise<Sharp> | undefined;
function loadSharp(): Promise<Sharp> {
  sharpModule ??= import("sharp").then((m) => {
    const sharp = ((m as unknown as { default?: Sharp }).default ?? m) as Sharp;
    sharp.cache(false); // one frame at a time, never re-read: libvips' operation cache would only hold memory
    sharp.concurrency(1); // the child's CPU budget is one core (the detector's thread); measured no slower per frame
    return sharp;
  });
  return sharpModule;
}

/**
 * Raster pixels → "PDF points" of an image: the image is taken as a page of width × height points (one image pixel
 * per point, 72 dpi) with the origin at its bottom left, as img2pdf or a scanner's PDF would place it at 72 dpi.
 * So a detection's `pdf` region is in the image's own pixels (y up) whatever size it was rendered at.
 */
function imagePointTransform(imageHeight: number, scale: number): Affine {
  return [1 / scale, 0, 0, -1 / scale, 0, imageHeight];
}

/** Raster size of a width × height image under the render budget: never enlarged, shrunk to at most maxPixels. */
function imageRasterSize(width: number, height: number, maxPixels: number): { width: number; height: number; scale: number } {
  const scale = Math.min(1, Math.sqrt(maxPixels / (width * height)));
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  return { width: w, height: h, scale: w / width };
}

/** CanvasPage releases a pdf.js page; an image page has none. */
const noPdfPage = { cleanup: () => true } as unknown as PDFPageProxy;

/**
 * An image (PNG, JPEG, WebP) or a TIFF (each frame a page) behind the PdfDocument interface, so processPage and the
 * worker treat it as a document of pages. The decoder was picked by measurement (docs/benchmarks.md, "Image inputs"):
 * sharp (libvips: libpng, libjpeg-turbo, libwebp, libtiff with CCITT G3/G4) for every format.
 * - Sizes are read from the header before anything is decoded (decompression bombs: `image_too_large`).
 * - Pixels are decoded at the render budget, not at full size: JPEG and WebP shrink on load, PNG and TIFF are
 *   streamed through the resize, then put into the page raster as RGBA.
 * - Skia (@napi-rs/canvas' Image, already loaded here) decoded PNG/JPEG/WebP faster and with less memory, but it
 *   crashed the process (SIGSEGV) on a PNG cut after its header, where libvips answers an error; untrusted bytes go
 *   to libvips. Skia cannot read TIFF anyway.
 */
export class ImageDocument implements PdfDocument {
  private live: CanvasPage[] = [];

  private constructor(
    private readonly path: string,
    readonly numPages: number,
    private readonly options: OpenImageOptions,
    private readonly createCanvas: (width: number, height: number) => Canvas,
  ) {}

  static async open(path: string, kind: ImageKind, options: OpenImageOptions): Promise<ImageDocument> {
    const sharp = await loadSharp();
    const { createCanvas } = await import("@napi-rs/canvas");
    let pages: number;
    try {
      const meta = await sharp(path, { limitInputPixels: false }).metadata();
      pages = kind === "tiff" ? (meta.pages ?? 1) : 1;
    } catch (error) {
      throw corrupt(error);
    }
    if (pages > options.maxPages) throw new PermanentFailure("too_many_pages", `${pages} frames > ${options.maxPages}`);
    const doc = new ImageDocument(path, pages, options, createCanvas);
    await doc.declaredSize(1); // the first frame's header is checked at open, like a PDF's first page
    return doc;
  }

  /** A frame's size as its header declares it, upright (EXIF orientation applied); refused above maxDeclaredPixels. */
  private async declaredSize(pageNumber: number): Promise<{ width: number; height: number }> {
    const sharp = await loadSharp();
    let width: number | undefined;
    let height: number | undefined;
    try {
      ({ width, height } = (await sharp(this.path, { page: pageNumber - 1, limitInputPixels: false }).metadata()).autoOrient);
    } catch (error) {
      throw corrupt(error);
    }
    if (!width || !height) throw new PermanentFailure("image_corrupt", `page ${pageNumber}: no size in the header`);
    if (width * height > this.options.maxDeclaredPixels) {
      throw new PermanentFailure("image_too_large", `page ${pageNumber}: ${width} x ${height} px > ${this.options.maxDeclaredPixels}`);
    }
    return { width, height };
  }

  async renderPage(pageNumber: number, limits: RenderLimits): Promise<RenderedPage> {
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > this.numPages) {
      throw new RangeError(`page ${pageNumber} is outside 1..${this.numPages}`);
    }
    this.live = this.live.filter((p) => !p.released);
    while (this.live.length >= 2) this.live.shift()?.release();
    const declared = await this.declaredSize(pageNumber);
    const raster = imageRasterSize(declared.width, declared.height, limits.maxPixels);
    const canvas = this.createCanvas(raster.width, raster.height);
    try {
      const context = canvas.getContext("2d");
      context.fillStyle = "#ffffff"; // transparent pixels on white, as a PDF page shows them
      context.fillRect(0, 0, raster.width, raster.height);
      await this.drawFrame(canvas, pageNumber, raster);
      canvas.data(); // play the recording onto the raster now and drop the copy of the pixels it references
    } catch (error) {
      freeCanvas(canvas);
      throw error;
    }
    const page = new CanvasPage(noPdfPage, canvas, pageNumber, raster.scale, 0, imagePointTransform(declared.height, raster.scale));
    this.live.push(page);
    return page;
  }

  /** Decodes frame `pageNumber` (1-based; TIFF frames, else the image) at the raster's size and puts it on the canvas. */
  private async drawFrame(canvas: Canvas, pageNumber: number, raster: { width: number; height: number }): Promise<void> {
    const sharp = await loadSharp();
    const { ImageData } = await import("@napi-rs/canvas");
    let decoded: { data: Buffer; info: { width: number; height: number } };
    try {
      // Upright as a viewer shows it: a phone photo's EXIF orientation is applied (results are in upright pixels).
      decoded = await sharp(this.path, { page: pageNumber - 1, limitInputPixels: this.options.maxDeclaredPixels, autoOrient: true })
        .resize(raster.width, raster.height, { fit: "fill", kernel: "linear" })
        .flatten({ background: "#ffffff" })
        .toColourspace("srgb")
        .ensureAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true });
    } catch (error) {
      throw corrupt(error);
    }
    const { data, info } = decoded;
    const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
    canvas.getContext("2d").putImageData(new ImageData(pixels, info.width, info.height), 0, 0);
  }

  /** An image has no text layer. */
  async textBoxes(): Promise<TextBox[]> {
    return [];
  }

  async destroy(): Promise<void> {
    for (const page of this.live) page.release();
    this.live = [];
  }
}

function corrupt(error: unknown): PermanentFailure {
  if (error instanceof PermanentFailure) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new PermanentFailure("image_corrupt", `cannot decode the image: ${detail}`, { cause: error });
}
