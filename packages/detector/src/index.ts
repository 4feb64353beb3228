export type { Detector } from "./types";
export { createDetector } from "./create-detector";
export { detectorIds } from "@pagewise/core";
export { detectorDescriptions } from "./registry";
export { PpocrRecognizer } from "./ocr/ppocr-rec";
export type { TextRecognizer } from "./ocr/ppocr-rec";
export { cropForRecognition } from "./ocr/crop";
