export type { Detector, DetectorOptions, RgbaImage, Detection, Size } from "./types";
export { createDetector } from "./create-detector";
export { detectorIds } from "@pagewise/core";
export { detectorDescriptions } from "./registry";
export { PpocrRecognizer } from "./ocr/ppocr-rec";
export type { TextRecognizer } from "./ocr/ppocr-rec";
export type { Recognised } from "./ocr/ctc-decode";
export { cropForRecognition } from "./ocr/crop";
export { checkDetectorConfig, detectorModelFiles } from "./model-files";
