import type { Detection } from "@pagewise/core";

/** PaddleOCR DBPostProcess settings (its defaults below). */
export interface DbPostprocessOptions {
  /** Probability above which a pixel is text. */
  thresh: number;
  /** Minimum mean probability inside a candidate box. */
  boxThresh: number;
  /** Box growth: d = area * unclipRatio / perimeter. */
  unclipRatio: number;
  /** Candidates with a short side below this (map pixels) are dropped; after unclip, below minSize + 2. */
  minSize: number;
  /** At most this many connected components are considered, in raster order. */
  maxCandidates: number;
}

export const dbPostprocessDefaults: Readonly<DbPostprocessOptions> = Object.freeze({
  thresh: 0.3,
  boxThresh: 0.6,
  unclipRatio: 1.5,
  minSize: 3,
  maxCandidates: 1000,
});

export interface ProbabilityMap {
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * DB post-processing with axis-aligned boxes (score_mode "fast", no dilation): binarize, 8-connected components,
 * box per component, score = mean probability inside the box, unclip, then map to the image's pixel coordinates
 * (x * imageWidth / mapWidth, rounded and clipped, as PaddleOCR does).
 */
export function boxesFromProbabilities(
  map: ProbabilityMap,
  image: { width: number; height: number },
  options: Partial<DbPostprocessOptions> = {},
): Detection[] {
  const o = { ...dbPostprocessDefaults, ...options };
  const { width, height } = map;
  const sums = integral(map);
  const sx = image.width / width;
  const sy = image.height / height;
  const detections: Detection[] = [];
  for (const [x0, y0, x1, y1] of components(map, o.thresh, o.maxCandidates)) {
    // Side lengths as OpenCV's minAreaRect measures them on contour pixel centres.
    const w = x1 - x0;
    const h = y1 - y0;
    if (Math.min(w, h) < o.minSize) continue;
    const area = (x1 - x0 + 1) * (y1 - y0 + 1);
    const score = boxSum(sums, width, x0, y0, x1, y1) / area;
    if (score < o.boxThresh) continue;
    const d = (w * h * o.unclipRatio) / (2 * (w + h));
    if (Math.min(w, h) + 2 * d < o.minSize + 2) continue;
    const clipX = (v: number) => Math.min(image.width, Math.max(0, Math.round(v * sx)));
    const clipY = (v: number) => Math.min(image.height, Math.max(0, Math.round(v * sy)));
    const box: [number, number, number, number] = [clipX(x0 - d), clipY(y0 - d), clipX(x1 + d), clipY(y1 + d)];
    if (box[2] <= box[0] || box[3] <= box[1]) continue;
    const [bx0, by0, bx1, by1] = box;
    detections.push({ box, polygon: [[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], score, label: "text" });
  }
  return detections;
}

/**
 * Scratch arrays for components() and integral(), kept from call to call (both run synchronously): a page's map
 * needs 9.2 MB of them at 736×960, and allocating them anew for every page is what made V8 collect its old space
 * about twice a page (docs/benchmarks.md, "Performance (issue 20)").
 */
const scratch: { open?: Uint8Array; stack?: Int32Array; sums?: Float64Array } = {};

function sized<T extends Uint8Array | Int32Array | Float64Array>(current: T | undefined, length: number, make: (length: number) => T): T {
  return current && current.length >= length ? current : make(length);
}

/** Bounding boxes [x0, y0, x1, y1] (inclusive pixel indices) of the 8-connected components of map > thresh. */
export function components(map: ProbabilityMap, thresh: number, maxCount = Infinity): Array<[number, number, number, number]> {
  const { data, width, height } = map;
  const n = width * height;
  // 1 = text pixel not yet assigned to a component
  const open = (scratch.open = sized(scratch.open, n, (length) => new Uint8Array(length)));
  for (let i = 0; i < n; i++) open[i] = data[i] > thresh ? 1 : 0;
  const stack = (scratch.stack = sized(scratch.stack, n, (length) => new Int32Array(length)));
  const boxes: Array<[number, number, number, number]> = [];
  const lastX = width - 1;
  const lastY = height - 1;
  for (let start = 0; start < n && boxes.length < maxCount; start++) {
    if (open[start] === 0) continue;
    open[start] = 0;
    let top = 0;
    stack[top++] = start;
    let x0 = width, y0 = height, x1 = -1, y1 = -1;
    while (top > 0) {
      const i = stack[--top];
      const y = (i / width) | 0;
      const x = i - y * width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      const left = x > 0 ? -1 : 0;
      const right = x < lastX ? 1 : 0;
      const up = y > 0 ? i - width : i;
      const down = y < lastY ? i + width : i;
      // Rows above, at and below (a row is visited once when it is the pixel's own at the map's edge).
      for (let row = up; row <= down; row += width) {
        for (let j = row + left; j <= row + right; j++) {
          if (open[j] !== 0) {
            open[j] = 0;
            stack[top++] = j;
          }
        }
      }
    }
    boxes.push([x0, y0, x1, y1]);
  }
  return boxes;
}

/** Summed-area table with a zero first row and column: (width + 1) x (height + 1). Valid until the next call. */
function integral({ data, width, height }: ProbabilityMap): Float64Array {
  const stride = width + 1;
  const sums = (scratch.sums = sized(scratch.sums, stride * (height + 1), (length) => new Float64Array(length)));
  sums.fill(0, 0, stride);
  for (let y = 0, i = 0; y < height; y++) {
    let above = y * stride;
    let at = above + stride;
    sums[at++] = 0;
    above++;
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += data[i++];
      sums[at++] = sums[above++] + row;
    }
  }
  return sums;
}

function boxSum(sums: Float64Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  const stride = width + 1;
  return sums[(y1 + 1) * stride + x1 + 1] - sums[y0 * stride + x1 + 1] - sums[(y1 + 1) * stride + x0] + sums[y0 * stride + x0];
}
