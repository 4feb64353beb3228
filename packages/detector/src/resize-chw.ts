import type { RgbaImage } from "@pagewise/core";

/** Where a resized image goes: a planar (CHW) float32 input tensor, and how each channel is normalised. */
export interface ChwTarget {
  data: Float32Array;
  /** Row length of `data` in pixels, and the resized image's top-left in it (padding stays as `data` holds it). */
  stride: number;
  left?: number;
  top?: number;
  /** For each output channel: the RGBA channel it takes (0 = R, 1 = G, 2 = B) and (v / 255 - mean) / std. */
  channels: readonly [number, number, number];
  mean: readonly [number, number, number];
  std: readonly [number, number, number];
}

/**
 * Bilinear resize (OpenCV INTER_LINEAR's half-pixel mapping) of an RGBA image composited over white, to
 * width x height, written normalised into a CHW tensor: what the det, rec and yolo pre-processing steps each need,
 * with their own channel order, normalisation and padding. One loop without a per-pixel callback: the callback
 * version measured 67 ms instead of 31 ms per 150 dpi page on the det model's hot path.
 */
export function resizeIntoChw(image: RgbaImage, width: number, height: number, target: ChwTarget): void {
  const { width: sw, height: sh, data: src } = image;
  if (sw < 1 || sh < 1 || src.length < sw * sh * 4) throw new RangeError(`bad image: ${sw} x ${sh}, ${src.length} bytes`);
  const { data: out, stride } = target;
  const [c0, c1, c2] = target.channels;
  const [m0, m1, m2] = target.mean;
  const [s0, s1, s2] = target.std;
  const plane = (out.length / 3) | 0;
  const left = target.left ?? 0;
  const top = target.top ?? 0;
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
      const o = (y + top) * stride + x + left;
      const v0 = w00 * over(i00, c0) + w01 * over(i01, c0) + w10 * over(i10, c0) + w11 * over(i11, c0);
      const v1 = w00 * over(i00, c1) + w01 * over(i01, c1) + w10 * over(i10, c1) + w11 * over(i11, c1);
      const v2 = w00 * over(i00, c2) + w01 * over(i01, c2) + w10 * over(i10, c2) + w11 * over(i11, c2);
      out[o] = (v0 / 255 - m0) / s0;
      out[plane + o] = (v1 / 255 - m1) / s1;
      out[2 * plane + o] = (v2 / 255 - m2) / s2;
    }
  }
}

/** For each destination index: the two source indices and the weight of the second (OpenCV's mapping). */
function sampling(srcSize: number, dstSize: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
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
