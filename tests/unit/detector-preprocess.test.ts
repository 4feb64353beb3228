import { BGR_MEAN, BGR_STD, modelInputSize, roundHalfEven, toModelInput } from "../../packages/detector/src/preprocess";

function solid(width: number, height: number, rgba: [number, number, number, number]) {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set(rgba, i);
  return { width, height, data };
}

describe("modelInputSize (DetResizeForTest, limit_type max)", () => {
  it("shrinks the long side to maxSide and rounds both sides to multiples of 32", () => {
    expect(modelInputSize(1240, 1754, 960)).toEqual({ width: 672, height: 960 });
    expect(modelInputSize(1275, 1650, 960)).toEqual({ width: 736, height: 960 });
    expect(modelInputSize(1754, 1240, 960)).toEqual({ width: 960, height: 672 });
  });

  it("never enlarges, except rounding up to the 32 px minimum", () => {
    expect(modelInputSize(500, 300, 960)).toEqual({ width: 512, height: 288 });
    expect(modelInputSize(4, 4, 960)).toEqual({ width: 32, height: 32 });
    expect(modelInputSize(1, 5000, 960)).toEqual({ width: 32, height: 960 });
  });

  it("rounds halves to even like Python's round()", () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
    expect(modelInputSize(80, 48, 960)).toEqual({ width: 64, height: 64 }); // 2.5 -> 2, 1.5 -> 2
  });

  it("produces multiples of 32 for any size", () => {
    for (const [w, h] of [[1, 1], [33, 47], [999, 2001], [4472, 4472], [3000, 10]]) {
      const size = modelInputSize(w, h, 960);
      expect(size.width % 32).toBe(0);
      expect(size.height % 32).toBe(0);
      expect(Math.max(size.width, size.height)).toBeLessThanOrEqual(960 + 16);
    }
  });
});

describe("toModelInput", () => {
  it("normalises per channel in B, G, R order, CHW", () => {
    const { data, width, height } = toModelInput(solid(64, 32, [255, 0, 51, 255]), 960);
    expect([width, height]).toEqual([64, 32]);
    const plane = width * height;
    expect(data).toHaveLength(3 * plane);
    // channel 0 is blue (51), 1 green (0), 2 red (255)
    expect(data[0]).toBeCloseTo((51 / 255 - BGR_MEAN[0]) / BGR_STD[0], 5);
    expect(data[plane + 100]).toBeCloseTo((0 - BGR_MEAN[1]) / BGR_STD[1], 5);
    expect(data[2 * plane + plane - 1]).toBeCloseTo((1 - BGR_MEAN[2]) / BGR_STD[2], 5);
  });

  it("composites transparent pixels over white", () => {
    const { data } = toModelInput(solid(32, 32, [0, 0, 0, 0]), 960);
    expect(data[0]).toBeCloseTo((1 - BGR_MEAN[0]) / BGR_STD[0], 5);
  });

  it("resizes bilinearly with OpenCV's half-pixel centres", () => {
    // 64 px wide: left half black, right half white, shrunk to 32: pixel 15 is pure black, 16 pure white.
    const image = solid(64, 32, [0, 0, 0, 255]);
    for (let y = 0; y < 32; y++) for (let x = 32; x < 64; x++) image.data.set([255, 255, 255, 255], (y * 64 + x) * 4);
    const { data, width } = toModelInput(image, 32);
    expect(width).toBe(32);
    const red = (x: number) => (data[2 * 32 * 32 + x] * BGR_STD[2] + BGR_MEAN[2]) * 255;
    expect(red(15)).toBeCloseTo(0, 3);
    expect(red(16)).toBeCloseTo(255, 3);
  });

  it("handles a 4 x 4 px page by scaling it up to 32 x 32", () => {
    const { width, height, data } = toModelInput(solid(4, 4, [255, 255, 255, 255]), 960);
    expect([width, height]).toEqual([32, 32]);
    expect(Array.from(new Set(data.slice(0, 1024)))).toHaveLength(1);
  });

  it("takes an image already at the model size as it is (the renderer scaled it), pixel for pixel", () => {
    // Half-transparent random pixels, so both the compositing and the channel order show.
    const image = solid(64, 96, [0, 0, 0, 0]);
    for (let i = 0; i < image.data.length; i++) image.data[i] = (i * 7919) % 256;
    const { data, width, height } = toModelInput(image, 960);
    expect([width, height]).toEqual([64, 96]);
    const plane = width * height;
    for (const p of [0, 1, 777, plane - 1]) {
      const [r, g, b, a] = Array.from(image.data.slice(p * 4, p * 4 + 4));
      const over = (c: number) => (c * a) / 255 + 255 * (1 - a / 255);
      expect(data[p]).toBeCloseTo((over(b) / 255 - BGR_MEAN[0]) / BGR_STD[0], 5);
      expect(data[plane + p]).toBeCloseTo((over(g) / 255 - BGR_MEAN[1]) / BGR_STD[1], 5);
      expect(data[2 * plane + p]).toBeCloseTo((over(r) / 255 - BGR_MEAN[2]) / BGR_STD[2], 5);
    }
  });

  it("gives opaque pixels (looked up in a table) exactly the float the compositing arithmetic gives", () => {
    // Every level in every channel, opaque, next to the same levels at alpha 254 (computed, not looked up).
    const image = solid(256, 32, [0, 0, 0, 255]);
    for (let p = 0; p < 256 * 32; p++) {
      image.data.set([p % 256, (p * 3) % 256, (p * 7) % 256, p < 256 * 16 ? 255 : 254], p * 4);
    }
    const { data } = toModelInput(image, 960);
    const plane = 256 * 32;
    const expected = new Float32Array(3 * plane);
    for (let p = 0, i = 0; p < plane; p++, i += 4) {
      // normalizeInto's arithmetic before the table, verbatim.
      const alpha = image.data[i + 3] / 255;
      const white = 255 * (1 - alpha);
      expected[p] = ((image.data[i + 2] * alpha + white) / 255 - BGR_MEAN[0]) / BGR_STD[0];
      expected[plane + p] = ((image.data[i + 1] * alpha + white) / 255 - BGR_MEAN[1]) / BGR_STD[1];
      expected[2 * plane + p] = ((image.data[i] * alpha + white) / 255 - BGR_MEAN[2]) / BGR_STD[2];
    }
    expect(Buffer.from(data.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });

  it("writes into a buffer it is given when the size fits, and allocates otherwise", () => {
    const buffer = new Float32Array(3 * 64 * 32);
    expect(toModelInput(solid(64, 32, [1, 2, 3, 255]), 960, buffer).data).toBe(buffer);
    expect(toModelInput(solid(128, 64, [1, 2, 3, 255]), 64, buffer).data).toBe(buffer); // resized to 64 x 32
    expect(toModelInput(solid(32, 32, [1, 2, 3, 255]), 960, buffer).data).not.toBe(buffer);
  });

  it("rejects an image whose buffer is too small", () => {
    expect(() => toModelInput({ width: 10, height: 10, data: new Uint8Array(10) }, 960)).toThrow(RangeError);
  });
});
