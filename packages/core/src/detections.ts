import { z } from "zod";

/** One detection in the page image's pixel coordinates: box = [x0, y0, x1, y1], polygon = clockwise points. */
export const detectionSchema = z.object({
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
  polygon: z.array(z.tuple([z.number(), z.number()])),
  score: z.number(),
  label: z.string(),
});
export type Detection = z.infer<typeof detectionSchema>;

/**
 * What the worker stores as documents/{id}/pages/{n}.json and the API serves for a page.
 * `scale` is image pixels per PDF point; a pixel (x, y) is at (x / scale, y / scale) points from the top-left of
 * the page as displayed (after /Rotate).
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
