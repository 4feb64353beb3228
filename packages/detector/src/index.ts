export type { Detector, DetectorOptions, RgbaImage, Detection } from "./types";
