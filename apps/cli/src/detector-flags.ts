import { detectorEnvSchema, detectorOptionsFrom, parseEnv, type DetectorEnv } from "@pagewise/config";
import type { DetectorOptions } from "@pagewise/core";

/**
 * The flag (commander's option name) of each detector setting. Flags are read as the worker reads its environment,
 * through the same schema and `detectorOptionsFrom`: a setting added to `detectorEnvSchema` without a flag here does
 * not compile.
 */
export const detectorFlags = {
  DETECTOR_MODEL: "model",
  DETECTOR_THREADS: "threads",
  DETECTOR_MAX_SIDE: "maxSide",
  YOLO_MODEL_PATH: "modelPath",
  YOLO_LABELS_PATH: "labels",
  YOLO_CONFIDENCE: "confidence",
  YOLO_IOU: "iou",
} as const satisfies Record<keyof DetectorEnv, string>;

type DetectorFlag = (typeof detectorFlags)[keyof typeof detectorFlags];
export type DetectorFlagValues = { [F in DetectorFlag]?: string | number };

/** The settings' defaults, shown by --help and used for a flag not given. */
export const detectorDefaults: DetectorEnv = parseEnv(detectorEnvSchema, {});

/** The detector id and options from the command's flags. */
export function detectorFromFlags(flags: DetectorFlagValues): { id: DetectorEnv["DETECTOR_MODEL"]; options: DetectorOptions } {
  const env: NodeJS.ProcessEnv = {};
  for (const [variable, flag] of Object.entries(detectorFlags)) {
    const value = flags[flag];
    if (value !== undefined) env[variable] = String(value);
  }
  const settings = parseEnv(detectorEnvSchema, env);
  return { id: settings.DETECTOR_MODEL, options: detectorOptionsFrom(settings) };
}
