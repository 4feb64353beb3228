import type { RgbaImage } from "@pagewise/core";

/**
 * The pixels of `box` (clipped to the image, rounded outwards), as PaddleOCR's get_rotate_crop_image gives them
 * for an axis-aligned box; a crop at least 1.5 times taller than wide is turned 90° counter-clockwise (np.rot90)
 * so a vertical line reads left to right. Undefined for an empty crop.
 */
export function cropForRecognition(image: RgbaImage, box: readonly [number, number, number, number]): RgbaImage | undefined {
  const x0 = Math.max(0, Math.floor(box[0]));
  const y0 = Math.max(0, Math.floor(box[1]));
  const x1 = Math.min(image.width, Math.ceil(box[2]));
  const y1 = Math.min(image.height, Math.ceil(box[3]));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 1 || h < 1) return undefined;
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * image.width + x0) * 4;
    out.set(image.data.subarray(from, from + w * 4), y * w * 4);
  }
  const crop = { width: w, height: h, data: out };
  return h / w >= 1.5 ? rotateCounterClockwise(crop) : crop;
}

function rotateCounterClockwise(image: RgbaImage): RgbaImage {
  const { width: w, height: h, data } = image;
  const out = new Uint8ClampedArray(w * h * 4);
  // Output is h wide, w tall: output (x, y) = input (w - 1 - y, x).
  for (let y = 0; y < w; y++) {
    for (let x = 0; x < h; x++) {
      const from = (x * w + (w - 1 - y)) * 4;
      const to = (y * h + x) * 4;
      out[to] = data[from];
      out[to + 1] = data[from + 1];
      out[to + 2] = data[from + 2];
      out[to + 3] = data[from + 3];
    }
  }
  return { width: h, height: w, data: out };
}
