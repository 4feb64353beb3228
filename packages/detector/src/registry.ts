import type { Detector, DetectorOptions } from "./types";
import { PpocrDetector } from "./adapters/ppocr-det";
import { PpocrDetInt8Detector } from "./adapters/ppocr-det-int8";
import { YoloDetector } from "./adapters/yolo";
import type { DetectorId } from "@pagewise/core";

/** Every detector adapter, by id (core's `detectorIds`): one line each, and one in model-files.ts' detectorModelFiles. */
export const registry: Readonly<Record<DetectorId, (options: DetectorOptions) => Detector>> = {
  "ppocr-det": (options) => new PpocrDetector(options),
  "ppocr-det-int8": (options) => new PpocrDetInt8Detector(options),
  yolo: (options) => new YoloDetector(options),
};

/** One line per adapter for `pagewise models` and the docs. */
export const detectorDescriptions: Readonly<Record<keyof typeof registry, string>> = {
  "ppocr-det": "PP-OCRv4 text-line detection (DBNet), bundled; labels: text",
  "ppocr-det-int8": "the same, its Convs quantized to INT8 (scripts/quantize-ppocr-det.js): faster, slightly less accurate; labels: text",
  yolo: "any Ultralytics-format ONNX export (YOLO_MODEL_PATH / --model-path); labels from the model or a labels file",
};
