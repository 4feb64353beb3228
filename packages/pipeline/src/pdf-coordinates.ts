import type { Detection } from "@pagewise/core";
import { applyAffine } from "@pagewise/pdf";

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * A detection's region in PDF user-space points, through `pixelToPdf` (the inverse of the page's viewport
 * transform): the polygon point by point, and the box as [x0, y0, x1, y1] with x0 < x1, y0 < y1 (PDF's
 * lower-left / upper-right rectangle, y growing upwards), whatever the page's origin and /Rotate.
 */
export function pdfRegion(detection: Pick<Detection, "box" | "polygon">, pixelToPdf: readonly number[]): NonNullable<Detection["pdf"]> {
  const [x0, y0, x1, y1] = detection.box;
  const corners = [applyAffine(pixelToPdf, x0, y0), applyAffine(pixelToPdf, x1, y1)];
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  return {
    box: [round2(Math.min(...xs)), round2(Math.min(...ys)), round2(Math.max(...xs)), round2(Math.max(...ys))],
    polygon: detection.polygon.map(([x, y]) => applyAffine(pixelToPdf, x, y).map(round2) as [number, number]),
  };
}
