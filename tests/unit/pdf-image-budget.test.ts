import { shrinkDecodedImage, shrinkFactor, shrinkMask, shrinkPixels } from "../../packages/pdf/src/image-budget";

/** A 1-bit mask as pdf.js's worker sends it: rows padded to a byte, a 0 bit paints. */
function mask(width: number, height: number, painted: (x: number, y: number) => boolean): Uint8Array {
  const rowBytes = (width + 7) >> 3;
  const data = new Uint8Array(rowBytes * height).fill(0xff);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (painted(x, y)) data[y * rowBytes + (x >> 3)] &= ~(0x80 >> (x & 7));
  return data;
}
const alphaAt = (image: { width: number; data: Uint8ClampedArray }, x: number, y: number) => image.data[(y * image.width + x) * 4 + 3];

describe("images larger than the page raster can show are shrunk before pdf.js puts them on a canvas", () => {
  it("picks the smallest integer factor that fits the budget", () => {
    expect(shrinkFactor(1000, 1000, 1_000_000)).toBe(1);
    expect(shrinkFactor(9258, 12259, 4_200_000)).toBe(6); // the 600 dpi book scan on a 150 dpi letter page
    const k = shrinkFactor(9258, 12259, 4_200_000);
    expect(Math.ceil(9258 / k) * Math.ceil(12259 / k)).toBeLessThanOrEqual(4_200_000);
    expect(shrinkFactor(20000, 1, 100)).toBe(200);
  });

  it("turns a 1-bit mask into black with the painted share of each block as alpha, so thin strokes survive", () => {
    // 10 x 4 px: column 0 painted (a 1 px stroke), the right half painted, nothing else.
    const data = mask(10, 4, (x) => x === 0 || x >= 5);
    const shrunk = shrinkMask({ width: 10, height: 4, data }, 2);
    expect([shrunk.width, shrunk.height]).toEqual([5, 2]);
    expect(alphaAt(shrunk, 0, 0)).toBe(128); // half of the 2 x 2 block: the stroke is kept, grey
    expect(alphaAt(shrunk, 1, 0)).toBe(0);
    expect(alphaAt(shrunk, 2, 1)).toBe(128); // columns 4 (unpainted) and 5 (painted)
    expect(alphaAt(shrunk, 3, 0)).toBe(255);
    expect(alphaAt(shrunk, 4, 1)).toBe(255);
    expect([...shrunk.data].filter((_, i) => i % 4 !== 3).every((v) => v === 0)).toBe(true); // black
  });

  it("paints nothing where a short mask (truncated CCITT data) has no rows, and handles a partial last block", () => {
    const full = mask(5, 6, () => true);
    const shrunk = shrinkMask({ width: 5, height: 6, data: full.subarray(0, 3) }, 2); // 3 of 6 rows
    expect([shrunk.width, shrunk.height]).toEqual([3, 3]);
    expect(alphaAt(shrunk, 2, 0)).toBe(255); // the last column block is 1 px wide
    expect(alphaAt(shrunk, 0, 1)).toBe(128); // row 2 present, row 3 missing
    expect(alphaAt(shrunk, 0, 2)).toBe(0);
  });

  it("box-filters RGB, 1-bit grey and RGBA images, weighting colour by alpha", () => {
    const rgb = new Uint8Array([255, 0, 0, 0, 0, 255, 255, 0, 0, 0, 0, 255]); // 2 x 2: red, blue / red, blue
    const a = shrinkPixels({ width: 2, height: 2, data: rgb, kind: 2 }, 2);
    expect([...a.data]).toEqual([128, 0, 128, 255]);

    const grey = new Uint8Array([0b10000000, 0b00000000]); // 2 x 2 at 1 bit: white, black / black, black
    expect([...shrinkPixels({ width: 2, height: 2, data: grey, kind: 1 }, 2).data]).toEqual([64, 64, 64, 255]);

    // A transparent pixel does not darken its opaque neighbour's colour; the block is half covered.
    const rgba = new Uint8Array([200, 100, 50, 255, 0, 0, 0, 0]);
    expect([...shrinkPixels({ width: 2, height: 1, data: rgba, kind: 3 }, 2).data]).toEqual([200, 100, 50, 128]);
  });

  it("hands pdf.js an ImageBitmap-like canvas for an over-budget image and leaves others, and non-images, alone", () => {
    const made: Array<{ width: number; height: number }> = [];
    const fakeCanvas = (width: number, height: number) => {
      const put: unknown[] = [];
      const canvas = {
        width,
        height,
        getContext: () => ({ createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }), putImageData: (d: unknown) => put.push(d) }),
      };
      made.push(canvas);
      return canvas as never;
    };
    const small = { width: 10, height: 10, kind: 2, data: new Uint8Array(300) };
    expect(shrinkDecodedImage(small, 100, fakeCanvas)).toBe(small);
    const font = { name: "F1", data: new Uint8Array(10) };
    expect(shrinkDecodedImage(font, 1, fakeCanvas)).toBe(font);

    const big = { width: 40, height: 20, kind: 2, data: new Uint8Array(40 * 20 * 3), ref: "12R", dataLen: 2400, interpolate: true };
    const out = shrinkDecodedImage(big, 200, fakeCanvas) as { width: number; height: number; interpolate: boolean; bitmap: { width: number; close(): void } };
    expect([out.width, out.height, out.interpolate]).toEqual([20, 10, true]);
    expect(out).not.toHaveProperty("ref"); // never structuredClone()d by pdf.js's CopyLocalImage
    expect(made).toHaveLength(1);
    out.bitmap.close();
    expect(out.bitmap.width).toBe(1);
  });
});
