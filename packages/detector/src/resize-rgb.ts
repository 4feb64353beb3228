import type { RgbaImage } from "@pagewise/core";
import { sampling } from "./preprocess";

/**
 * Bilinear resize (OpenCV INTER_LINEAR's half-pixel mapping) of an RGBA image composited over white, into
 * `visit(x, y, r, g, b)` calls with 0..255 float channel values: pre-processing steps lay the values out as their
 * model wants them (channel order, normalisation, padding).
 */
export function resizeRgb(
  image: RgbaImage,
  width: number,
  height: number,
  visit: (x: number, y: number, r: number, g: number, b: number) => void,
): void {
  const { width: sw, height: sh, data: src } = image;
  if (sw < 1 || sh < 1 || src.length < sw * sh * 4) throw new RangeError(`bad image: ${sw} x ${sh}, ${src.length} bytes`);
  const xs = sampling(sw, width);
  const ys = sampling(sh, height);
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
      const channel = (c: number) => w00 * over(i00, c) + w01 * over(i01, c) + w10 * over(i10, c) + w11 * over(i11, c);
      visit(x, y, channel(0), channel(1), channel(2));
    }
  }
}
