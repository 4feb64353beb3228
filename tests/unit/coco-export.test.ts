import type { PageResult } from "@pagewise/core";
import { CocoCategories, pageAnnotations, polygonArea } from "@pagewise/web/export/coco";

const page = (number: number, detections: PageResult["detections"]): PageResult => ({
  number, width: 100, height: 200, scale: 1, rotation: 0, detector: "yolo", detections,
});

describe("COCO export pieces", () => {
  it("turns detections into annotations: xywh bbox, flat polygon, polygon area, category ids by first sight", () => {
    const categories = new CocoCategories();
    const first = pageAnnotations(page(1, [
      { box: [10, 20, 30, 60], polygon: [[10, 20], [30, 20], [30, 60], [10, 60]], score: 0.9, label: "title" },
      { box: [0, 0, 5, 5], polygon: [], score: 0.5, label: "text", text: "hi" },
    ]), 1, categories);
    const second = pageAnnotations(page(2, [{ box: [1, 1, 2, 2], polygon: [], score: 0.4, label: "title" }]), 3, categories);
    expect(first[0]).toEqual({ id: 1, image_id: 1, category_id: 1, bbox: [10, 20, 20, 40], area: 800, segmentation: [[10, 20, 30, 20, 30, 60, 10, 60]], score: 0.9, iscrowd: 0 });
    expect(first[1]).toMatchObject({ id: 2, category_id: 2, area: 25, segmentation: [[0, 0, 5, 0, 5, 5, 0, 5]], text: "hi" });
    expect(second[0]).toMatchObject({ id: 3, image_id: 2, category_id: 1 });
    expect(categories.list()).toEqual([{ id: 1, name: "title", supercategory: "document" }, { id: 2, name: "text", supercategory: "document" }]);
  });

  it("computes polygon areas whatever the winding", () => {
    expect(polygonArea([[0, 0], [4, 0], [4, 3]])).toBe(6);
    expect(polygonArea([[4, 3], [4, 0], [0, 0]])).toBe(6);
  });
});
