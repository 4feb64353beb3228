import { boxesFromProbabilities, components, dbPostprocessDefaults } from "../../packages/detector/src/postprocess";

/** A width x height probability map, 0 outside the given filled rectangles [x0, y0, x1, y1] (inclusive). */
function probabilityMap(width: number, height: number, rects: Array<[number, number, number, number, number?]>) {
  const data = new Float32Array(width * height);
  for (const [x0, y0, x1, y1, p = 0.9] of rects) {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data[y * width + x] = p;
  }
  return { data, width, height };
}

describe("components", () => {
  it("joins 8-connected pixels and keeps separate blobs apart", () => {
    const map = probabilityMap(10, 10, [[0, 0, 1, 1], [2, 2, 3, 3], [6, 0, 8, 1]]);
    expect(components(map, 0.3)).toEqual([[0, 0, 3, 3], [6, 0, 8, 1]]);
  });

  it("stops after maxCount components, in raster order", () => {
    const map = probabilityMap(10, 10, [[0, 0, 0, 0], [5, 0, 5, 0], [0, 5, 0, 5]]);
    expect(components(map, 0.3, 2)).toEqual([[0, 0, 0, 0], [5, 0, 5, 0]]);
  });

  it("handles a component covering the whole map without recursion", () => {
    const map = probabilityMap(500, 400, [[0, 0, 499, 399]]);
    expect(components(map, 0.3)).toEqual([[0, 0, 499, 399]]);
  });
});

describe("boxesFromProbabilities", () => {
  const image = { width: 100, height: 100 };

  it("finds nothing on an empty map", () => {
    expect(boxesFromProbabilities(probabilityMap(32, 32, []), { width: 32, height: 32 })).toEqual([]);
  });

  it("unclips a known rectangle by d = area * ratio / perimeter", () => {
    // Contour 20..59 x 10..19: w = 39, h = 9 (pixel centres, as OpenCV measures), d = 39*9*1.5 / (2*48) = 5.48
    const [detection, ...rest] = boxesFromProbabilities(probabilityMap(100, 100, [[20, 10, 59, 19]]), image);
    expect(rest).toEqual([]);
    expect(detection.box).toEqual([15, 5, 64, 24]); // round(20 - 5.48), round(10 - 5.48), round(59 + 5.48), round(19 + 5.48)
    expect(detection.polygon).toEqual([[15, 5], [64, 5], [64, 24], [15, 24]]);
    expect(detection.score).toBeCloseTo(0.9, 5);
    expect(detection.label).toBe("text");
  });

  it("scales from the map to the image and clips to the image", () => {
    // Map 50 x 50 for a 200 x 100 image: x scales by 4, y by 2.
    const [detection] = boxesFromProbabilities(probabilityMap(50, 50, [[0, 40, 29, 49]]), { width: 200, height: 100 });
    const d = (29 * 9 * 1.5) / (2 * 38);
    expect(detection.box).toEqual([0, Math.round((40 - d) * 2), Math.round((29 + d) * 4), 100]);
  });

  it("drops candidates thinner than min_size", () => {
    expect(boxesFromProbabilities(probabilityMap(100, 100, [[10, 10, 60, 12]]), image)).toEqual([]); // h = 2 < 3
    expect(boxesFromProbabilities(probabilityMap(100, 100, [[10, 10, 60, 13]]), image)).toHaveLength(1); // h = 3
    expect(boxesFromProbabilities(probabilityMap(100, 100, [[10, 10, 60, 13]]), image, { minSize: 4 })).toEqual([]);
  });

  it("drops candidates whose unclipped short side is below min_size + 2", () => {
    // w = h = 3: d = 9 * 1.5 / 12 = 1.125, short side 3 + 2.25 = 5.25 >= 5 kept; with ratio 0.5: 3.75 < 5 dropped.
    const map = probabilityMap(100, 100, [[10, 10, 13, 13]]);
    expect(boxesFromProbabilities(map, image)).toHaveLength(1);
    expect(boxesFromProbabilities(map, image, { unclipRatio: 0.5 })).toEqual([]);
  });

  it("binarizes at thresh and scores by the mean probability in the box", () => {
    // An L shape: the box is 20 x 20 but only its border rows/columns carry probability.
    const lShape = probabilityMap(100, 100, [[10, 10, 29, 14, 0.95], [10, 15, 14, 29, 0.95]]);
    const [detection] = boxesFromProbabilities(lShape, image, { boxThresh: 0 });
    const expected = (0.95 * (20 * 5 + 5 * 15)) / (20 * 20);
    expect(detection.score).toBeCloseTo(expected, 5);
    expect(boxesFromProbabilities(lShape, image)).toEqual([]); // mean 0.416 < box_thresh 0.6
    expect(boxesFromProbabilities(probabilityMap(100, 100, [[10, 10, 40, 20, 0.29]]), image, { boxThresh: 0 })).toEqual([]);
  });

  it("keeps several lines apart, top to bottom", () => {
    const map = probabilityMap(200, 100, [[10, 10, 190, 18], [10, 40, 120, 48], [10, 70, 150, 78]]);
    const boxes = boxesFromProbabilities(map, { width: 200, height: 100 }).map((d) => d.box);
    expect(boxes).toHaveLength(3);
    expect(boxes.map((b) => b[1])).toEqual([...boxes.map((b) => b[1])].sort((a, b) => a - b));
  });

  it("has PaddleOCR's defaults", () => {
    expect(dbPostprocessDefaults).toEqual({ thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 1000 });
  });
});
