/**
 * One detection in the page image's pixel coordinates: box = [x0, y0, x1, y1], polygon = clockwise points.
 * `pdf` is the same region in PDF user-space points (origin and /Rotate undone: y grows upwards, as in the PDF),
 * `text`/`textScore` are the recognised text and its confidence when the document asked for OCR.
 *
 * Plain types, no zod: the compute child imports @pagewise/core and has no use for a validator (loading zod costs it
 * memory). The web's zod schemas for the same shapes (apps/web/src/api-schemas.ts) are checked against these types
 * at compile time.
 */
export interface Detection {
  box: [number, number, number, number];
  polygon: Array<[number, number]>;
  score: number;
  label: string;
  pdf?: { box: [number, number, number, number]; polygon: Array<[number, number]> };
  text?: string;
  textScore?: number;
}

/**
 * What the worker stores as documents/{id}/pages/{n}.json and the API serves for a page.
 * `scale` is image pixels per PDF point; a pixel (x, y) is at (x / scale, y / scale) points from the top-left of
 * the page as displayed (after /Rotate). Each detection's `pdf` field gives PDF user-space coordinates directly.
 */
export interface PageResult {
  /** From 1. */
  number: number;
  width: number;
  height: number;
  scale: number;
  /** The page's /Rotate in degrees. */
  rotation: number;
  detector: string;
  detections: Detection[];
  /**
   * Present when the page crossed a limit (the compute child's memory ceiling or the page time limit) and was
   * processed again under a reduced budget: rendered at `dpi` (half the configured resolution) with embedded images
   * above a pixel budget left out.
   */
  degraded?: { reason: PageLimitReason; dpi: number };
}

/** The limit a page crossed: the compute child's memory ceiling, or the page time limit. */
export type PageLimitReason = "memory" | "timeout";

/**
 * A page that crossed a limit at its normal budget and again at the reduced one: the document goes on without it.
 * It has no image; `detections` is empty so that readers iterating pages need no special case.
 */
export interface SkippedPage {
  number: number;
  detections: [];
  skipped: { reason: PageLimitReason };
}

/** The resolution of a page rendered at `scale` pixels per PDF point, to a tenth of a dpi. */
export const dpiOfScale = (scale: number): number => Math.round(scale * 72 * 10) / 10;
