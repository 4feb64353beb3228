import type { Detection } from "@pagewise/core";

export type { Detection };

/** An RGBA raster, row-major, 4 bytes a pixel (what a canvas's getImageData gives). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}

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
