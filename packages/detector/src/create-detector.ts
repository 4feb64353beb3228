import { detectorIds } from "@pagewise/core";
import type { Detector, DetectorOptions } from "./types";
import { registry } from "./registry";

/** The adapter registered under `id`, not yet loaded. */
export function createDetector(id: string, options: DetectorOptions): Detector {
  const make = Object.hasOwn(registry, id) ? registry[id as keyof typeof registry] : undefined;
  if (!make) throw new Error(`Unknown detector "${id}"; known detectors: ${detectorIds.join(", ")}`);
  return make(options);
}
