/**
 * A literal TypeScript port of PaddleOCR's DBPostProcess.boxes_from_bitmap (ppocr/postprocess/db_postprocess.py,
 * score_mode "fast", no dilation), written independently of packages/detector to check it against:
 *
 *   contours = cv2.findContours(bitmap, RETR_LIST, CHAIN_APPROX_SIMPLE)   → outer contours of 8-connected components
 *   for contour in contours[:max_candidates]:
 *     points, sside = get_mini_boxes(contour)                             → cv2.minAreaRect
 *     if sside < min_size: continue
 *     score = box_score_fast(pred, points)                                → mean of pred under fillPoly(points)
 *     if box_thresh > score: continue
 *     box = unclip(points, unclip_ratio)                                  → pyclipper offset, JT_ROUND, d = A*r/L
 *     box, sside = get_mini_boxes(box)
 *     if sside < min_size + 2: continue
 *     box[:, 0] = clip(round(box[:, 0] / width * dest_width), 0, dest_width)   (same for y)
 *
 * Differences, on purpose: hole contours (RETR_LIST also lists them) are not traced; the convex hull of a
 * component's pixel centres stands in for its contour (minAreaRect only sees the hull); the round joins are
 * drawn with 32 segments per corner.
 */
export interface ReferenceBox {
  points: Array<[number, number]>;
  score: number;
}

type Pt = [number, number];

/** 8-connected components by union-find (two-pass labelling), each as its list of pixel centres. */
function componentPixels(bitmap: Uint8Array, width: number, height: number): Pt[][] {
  const parent = new Int32Array(width * height).fill(-1);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!bitmap[i]) continue;
      parent[i] = i;
      for (const [dx, dy] of [[-1, 0], [-1, -1], [0, -1], [1, -1]]) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && nx < width && ny >= 0 && bitmap[ny * width + nx]) union(i, ny * width + nx);
      }
    }
  }
  const groups = new Map<number, Pt[]>();
  for (let i = 0; i < width * height; i++) {
    if (parent[i] < 0) continue;
    const root = find(i);
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root)!.push([i % width, Math.floor(i / width)]);
  }
  // OpenCV finds contours scanning rows from the top: order components by their first pixel in raster order.
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map((e) => e[1]);
}

function convexHull(points: Pt[]): Pt[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length < 3) return p;
  const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Pt[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Pt[] = [];
  for (const q of [...p].reverse()) {
    while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/** cv2.minAreaRect by rotating calipers over the hull's edges: corners and min(width, height). */
function minAreaRect(points: Pt[]): { corners: Pt[]; sside: number } {
  const hull = convexHull(points);
  if (hull.length < 3) {
    const xs = points.map((q) => q[0]);
    const ys = points.map((q) => q[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    return { corners: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]], sside: Math.min(x1 - x0, y1 - y0) };
  }
  let best = { area: Infinity, corners: [] as Pt[], sside: 0 };
  for (let i = 0; i < hull.length; i++) {
    const [ax, ay] = hull[i];
    const [bx, by] = hull[(i + 1) % hull.length];
    const len = Math.hypot(bx - ax, by - ay);
    const ux = (bx - ax) / len;
    const uy = (by - ay) / len;
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const [x, y] of hull) {
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      minU = Math.min(minU, u); maxU = Math.max(maxU, u);
      minV = Math.min(minV, v); maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < best.area - 1e-9) {
      const at = (u: number, v: number): Pt => [u * ux - v * uy, u * uy + v * ux];
      best = { area, corners: [at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)], sside: Math.min(maxU - minU, maxV - minV) };
    }
  }
  return best;
}

const polygonArea = (p: Pt[]) => Math.abs(p.reduce((s, [x, y], i) => s + x * p[(i + 1) % p.length][1] - p[(i + 1) % p.length][0] * y, 0)) / 2;
const polygonLength = (p: Pt[]) => p.reduce((s, [x, y], i) => s + Math.hypot(p[(i + 1) % p.length][0] - x, p[(i + 1) % p.length][1] - y), 0);

/** pyclipper's JT_ROUND offset of a convex polygon by d: each vertex becomes an arc of radius d. */
function offsetRound(polygon: Pt[], d: number): Pt[] {
  const out: Pt[] = [];
  for (const [x, y] of polygon) for (let k = 0; k < 32; k++) out.push([x + d * Math.cos((k * Math.PI) / 16), y + d * Math.sin((k * Math.PI) / 16)]);
  return out;
}

function pointInPolygon(x: number, y: number, poly: Pt[]): boolean {
  // Inside or on an edge (fillPoly paints boundary pixels).
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    const cross = (xj - xi) * (y - yi) - (yj - yi) * (x - xi);
    if (Math.abs(cross) < 1e-9 && x >= Math.min(xi, xj) - 1e-9 && x <= Math.max(xi, xj) + 1e-9 && y >= Math.min(yi, yj) - 1e-9 && y <= Math.max(yi, yj) + 1e-9) return true;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** box_score_fast: mean of pred over the polygon painted (as int32 points) into its bounding box. */
function boxScoreFast(pred: Float32Array, width: number, height: number, box: Pt[]): number {
  const clip = (v: number, max: number) => Math.min(Math.max(v, 0), max);
  const xs = box.map((q) => q[0]);
  const ys = box.map((q) => q[1]);
  const xmin = clip(Math.floor(Math.min(...xs)), width - 1);
  const xmax = clip(Math.ceil(Math.max(...xs)), width - 1);
  const ymin = clip(Math.floor(Math.min(...ys)), height - 1);
  const ymax = clip(Math.ceil(Math.max(...ys)), height - 1);
  const poly = box.map(([x, y]) => [Math.trunc(x - xmin), Math.trunc(y - ymin)] as Pt);
  let sum = 0;
  let count = 0;
  for (let y = ymin; y <= ymax; y++) {
    for (let x = xmin; x <= xmax; x++) {
      if (!pointInPolygon(x - xmin, y - ymin, poly)) continue;
      sum += pred[y * width + x];
      count++;
    }
  }
  return count ? sum / count : 0;
}

const roundHalfEven = (v: number) => {
  const f = Math.floor(v);
  const diff = v - f;
  return diff > 0.5 ? f + 1 : diff < 0.5 ? f : f % 2 === 0 ? f : f + 1;
};

export function paddleBoxesFromBitmap(
  pred: Float32Array,
  width: number,
  height: number,
  dest: { width: number; height: number },
  o = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 },
): ReferenceBox[] {
  const bitmap = new Uint8Array(width * height);
  for (let i = 0; i < bitmap.length; i++) bitmap[i] = pred[i] > o.thresh ? 1 : 0;
  const out: ReferenceBox[] = [];
  for (const contour of componentPixels(bitmap, width, height).slice(0, o.maxCandidates)) {
    const first = minAreaRect(contour);
    if (first.sside < o.minSize) continue;
    const score = boxScoreFast(pred, width, height, first.corners);
    if (o.boxThresh > score) continue;
    const distance = (polygonArea(first.corners) * o.unclipRatio) / polygonLength(first.corners);
    const second = minAreaRect(offsetRound(first.corners, distance));
    if (second.sside < o.minSize + 2) continue;
    const points = second.corners.map(([x, y]) => [
      Math.min(Math.max(roundHalfEven((x / width) * dest.width), 0), dest.width),
      Math.min(Math.max(roundHalfEven((y / height) * dest.height), 0), dest.height),
    ] as Pt);
    out.push({ points, score });
  }
  return out;
}

/** The axis-aligned bounding box [x0, y0, x1, y1] of a reference box's four points. */
export function referenceAabb(box: ReferenceBox): [number, number, number, number] {
  const xs = box.points.map((q) => q[0]);
  const ys = box.points.map((q) => q[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}
