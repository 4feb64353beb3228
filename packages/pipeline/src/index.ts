export { processPage } from "./process-page";
export type { PageTimings } from "./process-page";
export { pdfRegion } from "./pdf-coordinates";
export { parsePageRange } from "./page-range";
export { centreInside, overlaps, matchTextLayer } from "./text-layer-match";
export { characterAccuracy, editDistance } from "./character-accuracy";
export { ocrPairs } from "./ocr-evaluation";
