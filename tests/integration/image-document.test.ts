import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PermanentFailure } from "@pagewise/core";
import { ImageDocument, openSource, sourceKindOf, type ImageKind } from "@pagewise/pdf";
import { makeG4Tiff, makeJpeg, makePng, makeWebp, pngBomb, tiffCompressions } from "../support/test-images";

/** Images as documents of pages, decoded for real (sharp/libvips and Skia) from images the test makes. */
describe("image inputs as documents (ImageDocument)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-images-"));
  const write = (name: string, bytes: Buffer) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const open = (file: string, kind: ImageKind, maxDeclaredPixels = 100_000_000) => ImageDocument.open(file, kind, { maxPages: 100, maxDeclaredPixels });
  const limits = { dpi: 150, maxPixels: 16_000_000 };

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["png", makePng],
    ["jpeg", makeJpeg],
    ["webp", makeWebp],
  ] as const)("renders a %s as one page in its own pixels, with its dark strokes where they were drawn", async (kind, make) => {
    const file = write(`page.${kind}`, await make(640, 480));
    expect(await sourceKindOf(file)).toBe(kind);
    const doc = await openSource(file, kind, { maxPages: 10, maxDeclaredPixels: 1e8 });
    try {
      expect(doc.numPages).toBe(1);
      const page = await doc.renderPage(1, limits);
      expect({ width: page.width, height: page.height, scale: page.scale, rotation: page.rotation }).toEqual({ width: 640, height: 480, scale: 1, rotation: 0 });
      const { data } = page.image();
      const at = (x: number, y: number) => data[(y * 640 + x) * 4]!;
      expect(at(5, 5)).toBeGreaterThan(200); // white margin
      expect(at(Math.round(640 * 0.1) + 1, 32 + 5)).toBeLessThan(80); // the first "line" starts at (64, 32)
      // PDF points: one image pixel per point, origin at the bottom left.
      expect(page.pdfTransform).toEqual([1, 0, 0, -1, 0, 480]);
      const png = await page.toPng();
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([640, 480]);
    } finally {
      await doc.destroy();
    }
  });

  it("turns a phone photo upright by its EXIF orientation (6: rotate 90° clockwise)", async () => {
    const sharp = (await import("sharp")).default;
    const sideways = await sharp(await makeJpeg(640, 480)).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const doc = await open(write("phone.jpg", sideways), "jpeg");
    try {
      const page = await doc.renderPage(1, limits);
      expect([page.width, page.height]).toEqual([480, 640]);
      // The first "line" ran along the top of the stored image, from x = 64: upright it runs down the right side.
      const { data } = page.image();
      expect(data[(70 * 480 + (480 - 32 - 5)) * 4]).toBeLessThan(80);
    } finally {
      await doc.destroy();
    }
  });

  it("renders each frame of a multi-page CCITT G4 TIFF as a page", async () => {
    const tiff = await makeG4Tiff(850, 1100, 3);
    expect(tiffCompressions(tiff)).toEqual([4, 4, 4]);
    const doc = await open(write("scan.tif", tiff), "tiff");
    try {
      expect(doc.numPages).toBe(3);
      for (const number of [1, 2, 3]) {
        const page = await doc.renderPage(number, limits);
        expect([page.number, page.width, page.height]).toEqual([number, 850, 1100]);
        const { data } = page.image();
        expect(data[0]).toBe(255);
        expect(data[(79 * 850 + 90) * 4]).toBe(0); // bitonal: black strokes stay black (the first line starts at (85, 74))
      }
      await expect(doc.renderPage(4, limits)).rejects.toThrow(RangeError);
    } finally {
      await doc.destroy();
    }
  });

  it("decodes an image larger than the render budget straight to the budget, keeping the scale and point transform", async () => {
    const doc = await open(write("big.jpg", await makeJpeg(4000, 3000)), "jpeg");
    try {
      const page = await doc.renderPage(1, { dpi: 150, maxPixels: 3_000_000 });
      expect(page.width * page.height).toBeLessThanOrEqual(3_000_000);
      expect(page.width).toBe(Math.floor(4000 * Math.sqrt(3_000_000 / 12_000_000)));
      expect(page.scale).toBeCloseTo(page.width / 4000, 10);
      // A raster pixel maps back to the image's own pixels (as 72-dpi points, y up).
      const [a, , , d, , f] = page.pdfTransform;
      expect([a * page.width, f + d * page.height]).toEqual([4000, expect.closeTo(0, 6)]);
    } finally {
      await doc.destroy();
    }
  });

  it("refuses a decompression bomb by its declared size, before decoding it", async () => {
    const file = write("bomb.png", pngBomb(50_000, 50_000));
    expect(fs.statSync(file).size).toBeLessThan(200_000);
    const rss = process.memoryUsage.rss();
    const failure = await open(file, "png").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PermanentFailure);
    expect((failure as PermanentFailure).code).toBe("image_too_large");
    expect(process.memoryUsage.rss() - rss).toBeLessThan(100 * 2 ** 20); // 2.5 Gpx was never allocated
  });

  // Skia's decoder (@napi-rs/canvas' Image) killed the process with SIGSEGV on the first of these: libvips answers.
  it.each([
    ["cut after its header", 60],
    ["cut in half", 0.5],
  ])("ends a PNG %s with image_corrupt, and the process lives", async (_how, cut) => {
    const png = await makePng(400, 300);
    const file = write(`cut-${cut}.png`, png.subarray(0, cut < 1 ? Math.floor(png.length * cut) : cut));
    const failure = await (async () => (await open(file, "png")).renderPage(1, limits))().catch((error: unknown) => error);
    expect((failure as PermanentFailure).code).toBe("image_corrupt");
  });

  it("refuses a TIFF with more frames than the page limit", async () => {
    const file = write("many.tif", await makeG4Tiff(64, 64, 4));
    const failure = await ImageDocument.open(file, "tiff", { maxPages: 3, maxDeclaredPixels: 1e8 }).catch((error: unknown) => error);
    expect((failure as PermanentFailure).code).toBe("too_many_pages");
  });
});
