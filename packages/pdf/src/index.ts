export { renderScale } from "./render-scale";
export type { RenderLimits } from "./render-scale";
export { openPdf } from "./open-pdf";
export type { PdfDocument } from "./pdf-document";
export { applyAffine, invertAffine } from "./affine";
export { ImageDocument } from "./image-document";
export type { ImageKind } from "./image-document";
export { openSource, sourceKindOf } from "./open-source";
