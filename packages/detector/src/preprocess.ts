import type { RgbaImage } from "@pagewise/core";
import type { Size } from "./types";

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
 * CHW in BGR order: what PaddleOCR feeds the det model. The bilinear loop is written out here rather than calling
 * resizeRgb's per-pixel callback, which doubled the time per page (this is the hot path; docs/benchmarks.md).
 */
export function toModelInput(image: RgbaImage, maxSide: number, reuse?: Float32Array): ModelInput {
  const { width: sw, height: sh, data: src } = image;
  if (sw < 1 || sh < 1 || src.length < sw * sh * 4) throw new RangeError(`bad image: ${sw} x ${sh}, ${src.length} bytes`);
  const { width, height } = modelInputSize(sw, sh, maxSide);
  const plane = width * height;
  const out = reuse?.length === 3 * plane ? reuse : new Float32Array(3 * plane);
  if (width === sw && height === sh) return normalizeInto(image, out);
  const xs = sampling(sw, width);
  const ys = sampling(sh, height);
  // Each source pixel is composited over white by its alpha before it is interpolated.
  const over = (i: number, c: number) => {
    const alpha = src[i + 3] / 255;
    return src[i + c] * alpha + 255 * (1 - alpha);
  };
  for (let y = 0; y < height; y++) {
    const r0 = ys.lo[y] * sw;
    const r1 = ys.hi[y] * sw;
    const fy = ys.frac[y];
    for (let x = 0; x < width; x++) {
      const fx = xs.frac[x];
      const i00 = (r0 + xs.lo[x]) * 4;
      const i01 = (r0 + xs.hi[x]) * 4;
      const i10 = (r1 + xs.lo[x]) * 4;
      const i11 = (r1 + xs.hi[x]) * 4;
      const w00 = (1 - fx) * (1 - fy);
      const w01 = fx * (1 - fy);
      const w10 = (1 - fx) * fy;
      const w11 = fx * fy;
      const o = y * width + x;
      // Output channel k holds RGBA channel 2 - k: B, G, R.
      for (let k = 0; k < 3; k++) {
        const c = 2 - k;
        const value = w00 * over(i00, c) + w01 * over(i01, c) + w10 * over(i10, c) + w11 * over(i11, c);
        out[k * plane + o] = (value / 255 - BGR_MEAN[k]) / BGR_STD[k];
      }
    }
  }
  return { data: out, width, height };
}

/**
 * An image already at the model's size (scaled by the renderer): composite over white, normalise, CHW in BGR order.
 * No interpolation, so a fraction of the resizing loop's time above (docs/benchmarks.md).
 */
function normalizeInto(image: RgbaImage, out: Float32Array): ModelInput {
  const { width, height, data: src } = image;
  const plane = width * height;
  const [meanB, meanG, meanR] = BGR_MEAN;
  const [stdB, stdG, stdR] = BGR_STD;
  for (let o = 0, i = 0; o < plane; o++, i += 4) {
    const alpha = src[i + 3] / 255;
    const white = 255 * (1 - alpha);
    out[o] = ((src[i + 2] * alpha + white) / 255 - meanB) / stdB;
    out[plane + o] = ((src[i + 1] * alpha + white) / 255 - meanG) / stdG;
    out[2 * plane + o] = ((src[i] * alpha + white) / 255 - meanR) / stdR;
  }
  return { data: out, width, height };
}

/** For each destination index: the two source indices and the weight of the second (OpenCV's mapping). */
export function sampling(srcSize: number, dstSize: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
  const lo = new Int32Array(dstSize);
  const hi = new Int32Array(dstSize);
  const frac = new Float32Array(dstSize);
  const scale = srcSize / dstSize;
  for (let d = 0; d < dstSize; d++) {
    const s = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), srcSize - 1);
    lo[d] = Math.floor(s);
    hi[d] = Math.min(lo[d] + 1, srcSize - 1);
    frac[d] = s - lo[d];
  }
  return { lo, hi, frac };
}
