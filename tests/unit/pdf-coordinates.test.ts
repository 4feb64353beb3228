import { applyAffine, invertAffine } from "@pagewise/pdf";
import { pdfRegion } from "@pagewise/pipeline";

describe("page pixels → PDF points", () => {
  // pdf.js viewport transforms of a 100 x 200 pt page (MediaBox origin 10, 20) at 2 px/pt, /Rotate 0 and 90.
  const upright = [2, 0, 0, -2, -20, 440];
  const rotated90 = [0, 2, 2, 0, -40, -20];

  it("inverts the viewport transform", () => {
    for (const m of [upright, rotated90]) {
      const inverse = invertAffine(m);
      const [x, y] = applyAffine(m, 35, 70);
      const back = applyAffine(inverse, x, y);
      expect(back[0]).toBeCloseTo(35, 9);
      expect(back[1]).toBeCloseTo(70, 9);
    }
    expect(() => invertAffine([0, 0, 0, 0, 1, 1])).toThrow(RangeError);
  });

  it("gives boxes with y upwards and the origin offset undone", () => {
    const region = pdfRegion({ box: [0, 0, 200, 400], polygon: [[0, 0], [200, 0], [200, 400], [0, 400]] }, invertAffine(upright));
    expect(region.box).toEqual([10, 20, 110, 220]);
    expect(region.polygon[0]).toEqual([10, 220]); // the image's top-left is the page's top-left: y = top
  });

  it("undoes /Rotate 90: image x runs along PDF y", () => {
    // Image 400 x 200 px. Pixel (x, y) = (2 Y - 40, 2 X - 20) for PDF (X, Y).
    const region = pdfRegion({ box: [40, 20, 60, 30], polygon: [[40, 20], [60, 20], [60, 30], [40, 30]] }, invertAffine(rotated90));
    expect(region.box).toEqual([20, 40, 25, 50]);
  });
});
