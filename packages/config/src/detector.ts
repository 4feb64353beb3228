import type { DetectorOptions } from "@pagewise/core";
import type { DetectorEnv } from "./env";

/** The detector's options from its settings: the one mapping, used by the worker and by `pagewise detect`. */
export function detectorOptionsFrom(env: DetectorEnv): DetectorOptions {
  return {
    threads: env.DETECTOR_THREADS,
    maxSide: env.DETECTOR_MAX_SIDE,
    modelPath: env.YOLO_MODEL_PATH,
    labelsPath: env.YOLO_LABELS_PATH,
    confidence: env.YOLO_CONFIDENCE,
    iou: env.YOLO_IOU,
  };
}
