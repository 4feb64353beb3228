import type { Detection, DetectorOptions, RgbaImage } from "@pagewise/core";

export type { Detection, DetectorOptions, RgbaImage };

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
