import type { PageLimitReason, PageResult, SkippedPage } from "@pagewise/core";
import { degradedOf, type PageRow } from "../presenters";

/** COCO's detection-results fields for one box, plus what Pagewise adds (text when the document asked for OCR). */
export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  area: number;
  segmentation: number[][];
  score: number;
  iscrowd: 0;
  text?: string;
}

/** COCO's image fields, plus `degraded` when the page was processed at the reduced budget. */
export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  degraded?: { reason: PageLimitReason; dpi: number };
}

/**
 * One COCO image per processed page (id = page number). A skipped page has no image, so it is not one of them: it is
 * listed in `info.pagewise.skippedPages` with its reason.
 */
export function cocoImages(rows: PageRow[]): { images: CocoImage[]; skippedPages: Array<{ number: number; reason: PageLimitReason }> } {
  const images: CocoImage[] = [];
  const skippedPages: Array<{ number: number; reason: PageLimitReason }> = [];
  for (const row of rows) {
    if (row.kind === "skipped") skippedPages.push({ number: row.page.number, reason: row.reason });
    else {
      const { number, width, height } = row.page;
      images.push({ id: number, file_name: `pages/${number}.png`, width, height, ...degradedOf(row.page) });
    }
  }
  return { images, skippedPages };
}

/** Shoelace area of a polygon, pixels². */
export function polygonArea(points: ReadonlyArray<readonly [number, number]>): number {
  let twice = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i];
    const [x1, y1] = points[(i + 1) % points.length];
    twice += x0 * y1 - x1 * y0;
  }
  return Math.abs(twice) / 2;
}

/** Category ids from 1, in the order labels are first seen. */
export class CocoCategories {
  private readonly ids = new Map<string, number>();

  id(label: string): number {
    let id = this.ids.get(label);
    if (id === undefined) {
      id = this.ids.size + 1;
      this.ids.set(label, id);
    }
    return id;
  }

  list(): Array<{ id: number; name: string; supercategory: string }> {
    return [...this.ids].map(([name, id]) => ({ id, name, supercategory: "document" }));
  }
}

/**
 * The annotations of one page (image id = page number), in page-image pixels: bbox [x, y, w, h], the polygon as
 * COCO's flat segmentation, area from the polygon (the box when there is none).
 */
export function pageAnnotations(page: PageResult | SkippedPage, firstId: number, categories: CocoCategories): CocoAnnotation[] {
  return page.detections.map((d, i) => {
    const [x0, y0, x1, y1] = d.box;
    const polygon = d.polygon.length >= 3 ? d.polygon : [[x0, y0], [x1, y0], [x1, y1], [x0, y1]] as Array<[number, number]>;
    const annotation: CocoAnnotation = {
      id: firstId + i,
      image_id: page.number,
      category_id: categories.id(d.label),
      bbox: [x0, y0, x1 - x0, y1 - y0],
      area: polygonArea(polygon),
      segmentation: [polygon.flat()],
      score: d.score,
      iscrowd: 0,
    };
    if (d.text !== undefined) annotation.text = d.text;
    return annotation;
  });
}
