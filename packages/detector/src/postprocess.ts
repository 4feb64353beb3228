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

/** Bounding boxes [x0, y0, x1, y1] (inclusive pixel indices) of the 8-connected components of map > thresh. */
export function components(map: ProbabilityMap, thresh: number, maxCount = Infinity): Array<[number, number, number, number]> {
  const { data, width, height } = map;
  const n = width * height;
  const open = new Uint8Array(n); // 1 = text pixel not yet assigned to a component
  for (let i = 0; i < n; i++) open[i] = data[i] > thresh ? 1 : 0;
  const stack = new Int32Array(n);
  const boxes: Array<[number, number, number, number]> = [];
  for (let start = 0; start < n && boxes.length < maxCount; start++) {
    if (!open[start]) continue;
    open[start] = 0;
    let top = 0;
    stack[top++] = start;
    let x0 = width, y0 = height, x1 = -1, y1 = -1;
    while (top > 0) {
      const i = stack[--top];
      const x = i % width;
      const y = (i - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      for (let ny = Math.max(0, y - 1); ny <= Math.min(height - 1, y + 1); ny++) {
        for (let nx = Math.max(0, x - 1); nx <= Math.min(width - 1, x + 1); nx++) {
          const j = ny * width + nx;
          if (open[j]) {
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

/** Summed-area table with a zero first row and column: (width + 1) x (height + 1). */
function integral({ data, width, height }: ProbabilityMap): Float64Array {
  const sums = new Float64Array((width + 1) * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += data[y * width + x];
      sums[(y + 1) * (width + 1) + x + 1] = sums[y * (width + 1) + x + 1] + row;
    }
  }
  return sums;
}

function boxSum(sums: Float64Array, width: number, x0: number, y0: number, x1: number, y1: number): number {
  const stride = width + 1;
  return sums[(y1 + 1) * stride + x1 + 1] - sums[y0 * stride + x1 + 1] - sums[(y1 + 1) * stride + x0] + sums[y0 * stride + x0];
}
