import { boxesFromProbabilities } from "../../packages/detector/src/postprocess";
import { paddleBoxesFromBitmap, referenceAabb } from "../support/paddle-db-reference";

/** Synthetic probability maps through both the production post-processing and the literal PaddleOCR port. */
function map(width: number, height: number, paint: (x: number, y: number) => number) {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = paint(x, y);
  return { data, width, height };
}

function compare(m: ReturnType<typeof map>, image: { width: number; height: number }) {
  const ours = boxesFromProbabilities(m, image).map((d) => d.box);
  const reference = paddleBoxesFromBitmap(m.data, m.width, m.height, image).map(referenceAabb);
  return { ours, reference };
}

describe("DB post-processing against a port of PaddleOCR's boxes_from_bitmap", () => {
  it("gives the same boxes on text-line rectangles, at the image's scale, within 1 px", () => {
    // Three "lines" of a 4x-downscaled page, one touching the border, a speck below min_size and a faint blob.
    const rects = [[10, 10, 150, 19, 0.95], [12, 40, 90, 47, 0.8], [0, 70, 60, 79, 0.9], [100, 70, 101, 71, 0.9], [120, 90, 160, 99, 0.4]];
    const m = map(200, 120, (x, y) => {
      for (const [x0, y0, x1, y1, p] of rects) if (x >= x0 && x <= x1 && y >= y0 && y <= y1) return p;
      return 0.02;
    });
    const { ours, reference } = compare(m, { width: 800, height: 480 });
    expect(ours).toHaveLength(3);
    expect(reference).toHaveLength(3);
    ours.forEach((box, i) => box.forEach((v, k) => expect(Math.abs(v - reference[i][k])).toBeLessThanOrEqual(1)));
  });

  it("agrees on ragged blobs (a line of glyph-like bumps) within 2 px and on the score within 0.05", () => {
    // A text line whose top edge goes up and down like ascenders: the hull is no longer a rectangle.
    const m = map(240, 60, (x, y) => {
      if (x < 20 || x > 220) return 0;
      const top = 20 - ((x * 7) % 5 === 0 ? 3 : 0);
      return y >= top && y <= 30 ? 0.9 : 0;
    });
    const ours = boxesFromProbabilities(m, { width: 240, height: 60 });
    const reference = paddleBoxesFromBitmap(m.data, m.width, m.height, { width: 240, height: 60 });
    expect(ours).toHaveLength(1);
    expect(reference).toHaveLength(1);
    ours[0].box.forEach((v, k) => expect(Math.abs(v - referenceAabb(reference[0])[k])).toBeLessThanOrEqual(2));
    expect(Math.abs(ours[0].score - reference[0].score)).toBeLessThan(0.05);
  });

  it("drops the same candidates: below box_thresh, thinner than min_size", () => {
    const m = map(100, 50, (x, y) => (x >= 10 && x <= 80 && y >= 10 && y <= 11 ? 0.9 : x >= 10 && x <= 80 && y >= 30 && y <= 40 ? 0.5 : 0));
    const { ours, reference } = compare(m, { width: 100, height: 50 });
    expect(ours).toEqual([]);
    expect(reference).toEqual([]);
  });
});
