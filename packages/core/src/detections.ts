import { z } from "zod";

const box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const polygon = z.array(z.tuple([z.number(), z.number()]));

/**
 * One detection in the page image's pixel coordinates: box = [x0, y0, x1, y1], polygon = clockwise points.
 * `pdf` is the same region in PDF user-space points (origin and /Rotate undone: y grows upwards, as in the PDF),
 * `text`/`textScore` are the recognised text and its confidence when the document asked for OCR.
 */
export const detectionSchema = z.object({
  box,
  polygon,
  score: z.number(),
  label: z.string(),
  pdf: z.object({ box, polygon }).optional(),
  text: z.string().optional(),
  textScore: z.number().optional(),
});
export type Detection = z.infer<typeof detectionSchema>;

/**
 * What the worker stores as documents/{id}/pages/{n}.json and the API serves for a page.
 * `scale` is image pixels per PDF point; a pixel (x, y) is at (x / scale, y / scale) points from the top-left of
 * the page as displayed (after /Rotate). Each detection's `pdf` field gives PDF user-space coordinates directly.
 */
export const pageResultSchema = z.object({
  number: z.number().int().min(1),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  scale: z.number().positive(),
  rotation: z.number().int(),
  detector: z.string(),
  detections: z.array(detectionSchema),
});
export type PageResult = z.infer<typeof pageResultSchema>;
