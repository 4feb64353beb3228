import type { Detection, RgbaImage } from "@pagewise/core";

export type { Detection, RgbaImage };

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

export interface Size {
  width: number;
  height: number;
}

/**
 * A detector adapter. `load()` imports its runtime (onnxruntime-node) and reads the model; nothing heavy happens
 * before it. `detect()` returns detections in the pixel coordinates of `outputSize`, by default the image's.
 *
 * `inputSize`, where an adapter has one, is the image size its model takes for a page of the given size. A caller
 * that can scale natively (the renderer, with Skia) then passes an image of that size and the page's size as
 * `outputSize`, instead of the full page for the adapter to scale in JavaScript.
 */
export interface Detector {
  readonly id: string;
  load(): Promise<void>;
  inputSize?(width: number, height: number): Size;
  detect(image: RgbaImage, outputSize?: Size): Promise<Detection[]>;
  dispose(): Promise<void>;
}
