import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { openPdf } from "@pagewise/pdf";
import { encodeOpaquePng } from "../../packages/pdf/src/png";
import { corpusDir } from "../support/services";

const limits = { dpi: 150, maxPixels: 20_000_000 };

/** A PNG decoded by Skia (not by this project's code) to RGBA. */
async function decode(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, image.width, image.height);
}

/** Every chunk's CRC-32 is right and the chunks are IHDR … IDAT … IEND. */
function chunkTypes(png: Buffer): string[] {
  const types: string[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(zlib.crc32(typeAndData));
    types.push(typeAndData.subarray(0, 4).toString("latin1"));
    at += 12 + length;
  }
  return types;
}

describe("the annotated page's PNG (zlib encoder)", () => {
  it("decodes, in another decoder, to exactly the page's annotated pixels: lossless, RGB, valid chunks", async () => {
    const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, "text-1p-pdflatex.pdf"))), { maxPages: 10 });
    try {
      const page = await doc.renderPage(1, limits);
      page.annotate([{ box: [100, 100, 600, 160], polygon: [], score: 0.9, label: "text" }]);
      const expected = page.image();
      const png = await page.toPng();
      page.release();
      expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([1240, 1754, 8, 2]);
      expect(chunkTypes(png)).toEqual(["IHDR", "IDAT", "IEND"]);
      const decoded = await decode(png);
      expect([decoded.width, decoded.height]).toEqual([expected.width, expected.height]);
      expect(Buffer.from(decoded.data).equals(Buffer.from(expected.data))).toBe(true);
      // The annotation is in it: an orange stroke on the box's top edge.
      const at = (100 * expected.width + 300) * 4;
      expect(Array.from(decoded.data.subarray(at, at + 3))).toEqual(Array.from(expected.data.subarray(at, at + 3)));
      expect(decoded.data[at]! - decoded.data[at + 2]!).toBeGreaterThan(100);
    } finally {
      await doc.destroy();
    }
  });

  it("drops alpha only: a small opaque raster round-trips pixel for pixel", async () => {
    const width = 7;
    const height = 5;
    const rgba = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256));
    const decoded = await decode(await encodeOpaquePng(rgba, width, height));
    expect(Buffer.from(decoded.data).equals(Buffer.from(rgba))).toBe(true);
  });

  it("encodes pages at once (pipelined) as it encodes them one by one: scanline buffers are reused only once zlib has read them", async () => {
    // Several ~1 MB chunks each, with different bytes, and an unaligned view (the byte-by-byte path) among them.
    const width = 1200;
    const height = 900;
    const raster = (seed: number, offset = 0) => {
      const bytes = new Uint8Array(width * height * 4 + offset).map((_, i) => (i % 4 === (3 + offset) % 4 ? 255 : (i * seed) % 251));
      return bytes.subarray(offset);
    };
    const rasters = [raster(37), raster(101), raster(59, 1)];
    const oneByOne: Buffer[] = [];
    for (const rgba of rasters) oneByOne.push(await encodeOpaquePng(rgba, width, height));
    const atOnce = await Promise.all(rasters.map((rgba) => encodeOpaquePng(rgba, width, height)));
    atOnce.forEach((png, i) => expect(png.equals(oneByOne[i])).toBe(true));
    const decoded = await decode(atOnce[2]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(rasters[2]))).toBe(true);
  });

  it("refuses a raster smaller than its size says", async () => {
    await expect(encodeOpaquePng(new Uint8Array(10), 4, 4)).rejects.toThrow(/smaller/);
  });
});
