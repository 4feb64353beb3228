import type { Detector, DetectorOptions } from "./types";
import { PpocrDetector } from "./adapters/ppocr-det";

/** Every detector adapter, by id: one line each. */
export const registry: Readonly<Record<string, (options: DetectorOptions) => Detector>> = {
  "ppocr-det": (options) => new PpocrDetector(options),
};
