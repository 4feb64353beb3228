export { renderScale } from "./render-scale";
export type { RenderLimits } from "./render-scale";
export { openPdf } from "./open-pdf";
export type { OpenPdfOptions } from "./open-pdf";
export type { PdfDocument } from "./pdf-document";
export type { RenderedPage } from "./rendered-page";
export type { TextBox } from "./text-boxes";
export type { RgbaImage } from "@pagewise/core";
