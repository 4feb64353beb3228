import { renderScale } from "@pagewise/pdf";
import { pixelSize } from "../../packages/pdf/src/render-scale";

const A4 = [595.276, 841.89] as const;

describe("renderScale", () => {
  it("is dpi / 72 when the page fits the pixel cap", () => {
    expect(renderScale(...A4, { dpi: 150, maxPixels: 20e6 })).toBeCloseTo(150 / 72, 12);
    expect(renderScale(...A4, { dpi: 72, maxPixels: 20e6 })).toBe(1);
    expect(pixelSize(...A4, renderScale(...A4, { dpi: 150, maxPixels: 20e6 }))).toEqual({ width: 1240, height: 1754 });
  });

  it("reduces the scale so the raster stays within maxPixels", () => {
    const limits = { dpi: 150, maxPixels: 20e6 };
    const scale = renderScale(8400, 8400, limits);
    const { width, height } = pixelSize(8400, 8400, scale);
    expect(width * height).toBeLessThanOrEqual(limits.maxPixels);
    expect(width * height).toBeGreaterThan(limits.maxPixels * 0.999);
    expect(scale).toBeLessThan(150 / 72);
  });

  it("keeps the cap however the sides round", () => {
    for (const [w, h] of [[2160, 2160], [1000.3, 3.7], [612, 792], [12345.6, 789.01]]) {
      for (const maxPixels of [1e4, 123457, 1e6]) {
        const { width, height } = pixelSize(w, h, renderScale(w, h, { dpi: 300, maxPixels }));
        expect(width * height).toBeLessThanOrEqual(maxPixels);
      }
    }
  });

  it("renders tiny and degenerate pages at least 1 px a side", () => {
    expect(pixelSize(3.84, 3.84, renderScale(3.84, 3.84, { dpi: 150, maxPixels: 20e6 }))).toEqual({ width: 8, height: 8 });
    expect(pixelSize(0.1, 0.1, renderScale(0.1, 0.1, { dpi: 72, maxPixels: 20e6 }))).toEqual({ width: 1, height: 1 });
    expect(pixelSize(0, 100, renderScale(0, 100, { dpi: 72, maxPixels: 20e6 }))).toEqual({ width: 1, height: 100 });
  });

  it("rejects nonsense limits and sizes", () => {
    expect(() => renderScale(100, 100, { dpi: 0, maxPixels: 1e6 })).toThrow(RangeError);
    expect(() => renderScale(100, 100, { dpi: 150, maxPixels: 0 })).toThrow(RangeError);
    expect(() => renderScale(Number.NaN, 100, { dpi: 150, maxPixels: 1e6 })).toThrow(RangeError);
  });
});
