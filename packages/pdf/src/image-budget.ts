/**
 * Images larger than the page raster can show, shrunk before pdf.js puts them on a canvas.
 *
 * pdf.js decodes an image at its full size and, on the display side, copies it onto a canvas of that size
 * (`paintInlineImageXObject`, `_createMaskCanvas`) before scaling it down to the page. In Node there is no
 * OffscreenCanvas, so pdf.js's own reduction of large images (core/image_resizer.js) never runs. With
 * @napi-rs/canvas each `putImageData` chunk is also recorded until the canvas is drawn, so a large 1-bit mask
 * costs two full-size RGBA copies for a page raster of a few Mpx (docs/memory.md). Here every image pdf.js hands to a page's object store (`PDFObjects.resolve`, where the
 * worker's decoded pixels arrive) that has more pixels than the budget is box-filtered down to it first and handed
 * on as a ready canvas (`bitmap`, the form pdf.js's own resizer produces), so pdf.js draws it as it would an
 * ImageBitmap. Geometry is unchanged: pdf.js maps every image onto the unit square whatever its pixel size.
 */
import type { Canvas } from "@napi-rs/canvas";

/** pdf.js's ImageKind. */
const GRAYSCALE_1BPP = 1;
const RGB_24BPP = 2;
const RGBA_32BPP = 3;

/** What the worker sends for an image (`kind` set) or an image mask (`kind` absent, 1 bit per pixel). */
interface DecodedImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  kind?: number;
  interpolate?: boolean;
}

export interface ShrunkImage {
  width: number;
  height: number;
  /** RGBA, straight alpha. */
  data: Uint8ClampedArray;
}

/** The integer factor that brings width x height within `maxPixels` (1 when it fits). */
export function shrinkFactor(width: number, height: number, maxPixels: number): number {
  if (width * height <= maxPixels) return 1;
  let k = Math.ceil(Math.sqrt((width * height) / maxPixels));
  while (Math.ceil(width / k) * Math.ceil(height / k) > maxPixels) k++;
  return k;
}

/**
 * An image mask as pdf.js's worker sends it (1 bit per pixel, rows padded to a byte, a 0 bit paints: /Decode is
 * already applied) shrunk by k in each direction to the RGBA form pdf.js's mask canvas takes: black, with the
 * share of painted pixels in each k x k block as alpha (an anti-aliased mask, where nearest-neighbour sampling
 * would drop thin strokes). Rows missing from a short mask (truncated CCITT data) paint nothing, as in pdf.js.
 */
export function shrinkMask(image: Pick<DecodedImage, "width" | "height" | "data">, k: number): ShrunkImage {
  const { width, height, data } = image;
  const outWidth = Math.ceil(width / k);
  const outHeight = Math.ceil(height / k);
  const painted = new Uint32Array(outWidth);
  const out = new Uint8ClampedArray(outWidth * outHeight * 4);
  const rowBytes = (width + 7) >> 3;
  for (let oy = 0; oy < outHeight; oy++) {
    painted.fill(0);
    const y0 = oy * k;
    const y1 = Math.min(height, y0 + k);
    for (let y = y0; y < y1 && (y + 1) * rowBytes <= data.length; y++) {
      const row = y * rowBytes;
      for (let x = 0; x < width; x++) {
        if (((data[row + (x >> 3)] >> (7 - (x & 7))) & 1) === 0) painted[(x / k) | 0]++;
      }
    }
    for (let ox = 0; ox < outWidth; ox++) {
      const area = (Math.min(width, (ox + 1) * k) - ox * k) * (y1 - y0);
      out[(oy * outWidth + ox) * 4 + 3] = Math.round((painted[ox] * 255) / area);
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** An image of pdf.js's kinds (1-bit grey, RGB, RGBA) shrunk by k in each direction (box filter) to RGBA. */
export function shrinkPixels(image: DecodedImage, k: number): ShrunkImage {
  const { width, height, data, kind } = image;
  const outWidth = Math.ceil(width / k);
  const outHeight = Math.ceil(height / k);
  const sums = new Float64Array(outWidth * 4);
  const out = new Uint8ClampedArray(outWidth * outHeight * 4);
  const channels = kind === RGBA_32BPP ? 4 : 3;
  const rowBytes = kind === GRAYSCALE_1BPP ? (width + 7) >> 3 : width * channels;
  for (let oy = 0; oy < outHeight; oy++) {
    sums.fill(0);
    const y0 = oy * k;
    const y1 = Math.min(height, y0 + k);
    for (let y = y0; y < y1; y++) {
      const row = y * rowBytes;
      if (row >= data.length) break; // a short image (truncated CCITT data): the rest stays transparent
      for (let x = 0; x < width; x++) {
        const o = ((x / k) | 0) * 4;
        if (kind === GRAYSCALE_1BPP) {
          const v = ((data[row + (x >> 3)] >> (7 - (x & 7))) & 1) * 255 * 255; // premultiplied by an alpha of 255
          sums[o] += v;
          sums[o + 1] += v;
          sums[o + 2] += v;
          sums[o + 3] += 255;
        } else {
          const i = row + x * channels;
          const alpha = channels === 4 ? data[i + 3] : 255;
          // Premultiplied sums, so transparent pixels do not darken their neighbours.
          sums[o] += data[i] * alpha;
          sums[o + 1] += data[i + 1] * alpha;
          sums[o + 2] += data[i + 2] * alpha;
          sums[o + 3] += alpha;
        }
      }
    }
    for (let ox = 0; ox < outWidth; ox++) {
      const area = (Math.min(width, (ox + 1) * k) - ox * k) * (y1 - y0);
      const alpha = sums[ox * 4 + 3];
      const o = (oy * outWidth + ox) * 4;
      if (alpha > 0) {
        out[o] = sums[ox * 4] / alpha;
        out[o + 1] = sums[ox * 4 + 1] / alpha;
        out[o + 2] = sums[ox * 4 + 2] / alpha;
      }
      out[o + 3] = alpha / area;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

function isDecodedImage(data: unknown): data is DecodedImage {
  if (!data || typeof data !== "object") return false;
  const d = data as Partial<DecodedImage> & { bitmap?: unknown };
  return (
    typeof d.width === "number" &&
    typeof d.height === "number" &&
    !d.bitmap &&
    (d.data instanceof Uint8Array || d.data instanceof Uint8ClampedArray) &&
    (d.kind === undefined || d.kind === GRAYSCALE_1BPP || d.kind === RGB_24BPP || d.kind === RGBA_32BPP)
  );
}

type CanvasMaker = (width: number, height: number) => Canvas;

/**
 * pdf.js's stand-in for an image, as its resizer makes one: `bitmap` is a canvas holding the pixels. pdf.js calls
 * `bitmap.close()` when it drops the object (an ImageBitmap's method); here that frees the raster at once.
 */
function asBitmap(shrunk: ShrunkImage, interpolate: boolean | undefined, makeCanvas: CanvasMaker) {
  const canvas = makeCanvas(shrunk.width, shrunk.height) as Canvas & { close?: () => void };
  const context = canvas.getContext("2d");
  const imageData = context.createImageData(shrunk.width, shrunk.height);
  imageData.data.set(shrunk.data);
  context.putImageData(imageData, 0, 0);
  canvas.close = () => {
    canvas.width = 1;
    canvas.height = 1;
  };
  // No `ref`/`dataLen`: pdf.js then never structuredClone()s this object (its CopyLocalImage path), it decodes
  // the image again for another page instead.
  return { width: shrunk.width, height: shrunk.height, interpolate, bitmap: canvas };
}

/** Replaces an over-budget decoded image by a shrunk one (see the module comment); anything else is returned as it is. */
export function shrinkDecodedImage(data: unknown, maxPixels: number, makeCanvas: CanvasMaker): unknown {
  if (!isDecodedImage(data)) return data;
  const k = shrinkFactor(data.width, data.height, maxPixels);
  if (k === 1) return data;
  const shrunk = data.kind === undefined ? shrinkMask(data, k) : shrinkPixels(data, k);
  return asBitmap(shrunk, data.interpolate, makeCanvas);
}

interface ObjectStore {
  resolve(objId: string, data?: unknown): void;
}

let installed: ObjectStore | undefined;
let budget = Number.POSITIVE_INFINITY;
let maker: CanvasMaker | undefined;

/**
 * Sets the image budget (pixels) for the images resolved from now on: PdfjsDocument sets it before each render
 * from that page's raster. Installed once per process on pdf.js's PDFObjects class (reached through a page's
 * `objs`, the store pdf.js resolves decoded images into: `PDFObjects` is not exported).
 */
export function setImagePixelBudget(objectStore: object, maxPixels: number, makeCanvas: CanvasMaker): void {
  budget = maxPixels;
  maker = makeCanvas;
  const proto = Object.getPrototypeOf(objectStore) as ObjectStore;
  if (installed === proto) return;
  if (typeof proto.resolve !== "function") return; // a pdf.js without this store: render at full size as before
  const resolve = proto.resolve;
  proto.resolve = function (this: ObjectStore, objId: string, data?: unknown) {
    return resolve.call(this, objId, maker ? shrinkDecodedImage(data, budget, maker) : data);
  };
  installed = proto;
}
