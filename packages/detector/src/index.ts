export type { Detector, DetectorOptions, RgbaImage, Detection } from "./types";
export { detectorIds, createDetector } from "./create-detector";
