import type { Detection, RgbaImage } from "@pagewise/core";

export type { Detection, RgbaImage };

export interface DetectorOptions {
  /** onnxruntime intra-op threads. */
  threads: number;
  /** Long side of the model input, in pixels (PaddleOCR's det_limit_side_len). */
  maxSide: number;
}

/**
 * A detector adapter. `load()` imports its runtime (onnxruntime-node) and reads the model; nothing heavy happens
 * before it. `detect()` returns detections in the input image's pixel coordinates.
 */
export interface Detector {
  readonly id: string;
  load(): Promise<void>;
  detect(image: RgbaImage): Promise<Detection[]>;
  dispose(): Promise<void>;
}
