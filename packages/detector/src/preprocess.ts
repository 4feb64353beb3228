import type { RgbaImage } from "@pagewise/core";
import type { Size } from "./types";
import { resizeIntoChw } from "./resize-chw";

/** NormalizeImage defaults, per channel of PaddleOCR's BGR (OpenCV) image: index 0 is blue. */
export const BGR_MEAN = [0.485, 0.456, 0.406] as const;
export const BGR_STD = [0.229, 0.224, 0.225] as const;

export interface ModelInput {
  /** CHW float32, channels in B, G, R order. */
  data: Float32Array;
  width: number;
  height: number;
}

/** Python's round(): halves go to the even neighbour, as in PaddleOCR's own arithmetic. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * PaddleOCR DetResizeForTest, limit_type "max": shrink so the long side is at most maxSide (never enlarge), then
 * round each side to a multiple of 32, at least 32.
 */
export function modelInputSize(width: number, height: number, maxSide: number): Size {
  const ratio = Math.max(width, height) > maxSide ? maxSide / Math.max(width, height) : 1;
  const to32 = (side: number) => Math.max(roundHalfEven(Math.trunc(side * ratio) / 32) * 32, 32);
  return { width: to32(width), height: to32(height) };
}

/**
 * Resize (bilinear, half-pixel centres like OpenCV's INTER_LINEAR), composite over white, normalise and lay out as
 * CHW in BGR order: what PaddleOCR feeds the det model.
 */
export function toModelInput(image: RgbaImage, maxSide: number, reuse?: Float32Array): ModelInput {
  const { width: sw, height: sh, data: src } = image;
  if (sw < 1 || sh < 1 || src.length < sw * sh * 4) throw new RangeError(`bad image: ${sw} x ${sh}, ${src.length} bytes`);
  const { width, height } = modelInputSize(sw, sh, maxSide);
  const out = reuse?.length === 3 * width * height ? reuse : new Float32Array(3 * width * height);
  if (width === sw && height === sh) return normalizeInto(image, out);
  // Output channel k holds RGBA channel 2 - k: B, G, R.
  resizeIntoChw(image, width, height, { data: out, stride: width, channels: [2, 1, 0], mean: BGR_MEAN, std: BGR_STD });
  return { data: out, width, height };
}

/** normalizeInto's value for each 8-bit level of an opaque pixel, per output channel (B, G, R); made on first use. */
let opaqueLevels: [Float32Array, Float32Array, Float32Array] | undefined;

function levelTable(mean: number, std: number): Float32Array {
  const table = new Float32Array(256);
  // The expression normalizeInto evaluates for alpha = 1 (white = 0), so a looked-up value is the same float.
  for (let v = 0; v < 256; v++) table[v] = ((v * 1 + 0) / 255 - mean) / std;
  return table;
}

/**
 * An image already at the model's size (scaled by the renderer): composite over white, normalise, CHW in BGR order.
 * No interpolation: 5 ms at 736×960, where the resizing loop above takes 22 ms from a 150 dpi page (42 ms per page in
 * the compute child's profile, sharing the core). Opaque pixels (all of a rendered page's, nearly always) are looked
 * up in a table of the same arithmetic's results instead of computed.
 */
function normalizeInto(image: RgbaImage, out: Float32Array): ModelInput {
  const { width, height, data: src } = image;
  const plane = width * height;
  const [meanB, meanG, meanR] = BGR_MEAN;
  const [stdB, stdG, stdR] = BGR_STD;
  const [levelsB, levelsG, levelsR] = (opaqueLevels ??= [levelTable(meanB, stdB), levelTable(meanG, stdG), levelTable(meanR, stdR)]);
  for (let o = 0, i = 0; o < plane; o++, i += 4) {
    if (src[i + 3] === 255) {
      out[o] = levelsB[src[i + 2]];
      out[plane + o] = levelsG[src[i + 1]];
      out[2 * plane + o] = levelsR[src[i]];
      continue;
    }
    const alpha = src[i + 3] / 255;
    const white = 255 * (1 - alpha);
    out[o] = ((src[i + 2] * alpha + white) / 255 - meanB) / stdB;
    out[plane + o] = ((src[i + 1] * alpha + white) / 255 - meanG) / stdG;
    out[2 * plane + o] = ((src[i] * alpha + white) / 255 - meanR) / stdR;
  }
  return { data: out, width, height };
}
