/**
 * Every detector adapter's id, without the adapters: the worker's environment schema checks DETECTOR_MODEL against
 * this list at start, and the registry (packages/detector/src/registry.ts) is typed by it, one line per id.
 */
export const detectorIds = ["ppocr-det", "ppocr-det-int8", "yolo"] as const;
export type DetectorId = (typeof detectorIds)[number];

/** What the worker says, at start, of a DETECTOR_MODEL that is not in the list. */
export const unknownDetector = (id: string): string => `DETECTOR_MODEL "${id}" is not a registered detector; known: ${detectorIds.join(", ")}`;

/** What an adapter is built with; `detectorOptionsFrom(env)` (@pagewise/config) is the one place they are read. */
export interface DetectorOptions {
  /** onnxruntime intra-op threads. */
  threads: number;
  /** Long side of the model input, in pixels (PaddleOCR's det_limit_side_len; ppocr-det only). */
  maxSide: number;
  /** The model file, for adapters that take one from configuration (yolo: YOLO_MODEL_PATH). */
  modelPath?: string;
  /** A class-names file overriding the model's own metadata (yolo: YOLO_LABELS_PATH). */
  labelsPath?: string;
  /** Minimum class score (yolo: YOLO_CONFIDENCE, default 0.25). */
  confidence?: number;
  /** NMS IoU threshold (yolo: YOLO_IOU, default 0.45). */
  iou?: number;
}
