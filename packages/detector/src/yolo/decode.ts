/** One candidate from an Ultralytics detection head, in model-input pixels. */
export interface YoloCandidate {
  box: [number, number, number, number];
  classId: number;
  score: number;
}

export interface YoloDecodeOptions {
  /** Keep candidates whose best class score is above this (Ultralytics' conf, default 0.25). */
  confidence: number;
  /** Class-aware NMS: drop a box overlapping a better one of the same class by more than this IoU (0.45). */
  iou: number;
  /** At most this many detections (Ultralytics' max_det). */
  maxDetections: number;
}

export const yoloDecodeDefaults: Readonly<YoloDecodeOptions> = Object.freeze({ confidence: 0.25, iou: 0.45, maxDetections: 300 });

/**
 * Ultralytics (v8/11) output [1, 4 + nc, N]: per anchor n, rows 0..3 are cx, cy, w, h and rows 4.. the class scores
 * (already sigmoid-ed). The best class of each anchor above `confidence`, as an xyxy box.
 */
export function decodeYoloOutput(data: Float32Array, dims: readonly number[], confidence: number): YoloCandidate[] {
  if (dims.length !== 3 || dims[0] !== 1 || dims[1] < 5) throw new RangeError(`expected a [1, 4 + classes, N] output, got [${dims.join(", ")}]`);
  const rows = dims[1];
  const n = dims[2];
  const out: YoloCandidate[] = [];
  for (let i = 0; i < n; i++) {
    let classId = -1;
    let score = -Infinity;
    for (let c = 4; c < rows; c++) {
      const s = data[c * n + i];
      if (s > score) {
        score = s;
        classId = c - 4;
      }
    }
    if (!(score > confidence)) continue;
    const cx = data[i];
    const cy = data[n + i];
    const w = data[2 * n + i];
    const h = data[3 * n + i];
    out.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], classId, score });
  }
  return out;
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const ih = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS per class (boxes of different classes never suppress each other), best score first. */
export function classAwareNms(candidates: readonly YoloCandidate[], iouThreshold: number, maxDetections = Infinity): YoloCandidate[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: YoloCandidate[] = [];
  for (const c of sorted) {
    if (kept.length >= maxDetections) break;
    if (kept.some((k) => k.classId === c.classId && iou(k.box, c.box) > iouThreshold)) continue;
    kept.push(c);
  }
  return kept;
}
