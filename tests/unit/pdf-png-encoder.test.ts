import zlib from "node:zlib";
import { createCanvas, loadImage } from "@napi-rs/canvas";
import { encodePng } from "@pagewise/pdf";

/** A width×height RGBA image with a different colour in every pixel (opaque, as rendered pages are). */
function gradient(width: number, height: number): { width: number; height: number; data: Uint8ClampedArray } {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = i % 251;
    data[i * 4 + 1] = (i * 7) % 256;
    data[i * 4 + 2] = Math.floor(i / width) % 256;
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}

async function decode(png: Buffer, width: number, height: number): Promise<Uint8ClampedArray> {
  const image = await loadImage(png);
  expect([image.width, image.height]).toEqual([width, height]);
  const canvas = createCanvas(width, height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0);
  return context.getImageData(0, 0, width, height).data;
}

describe("encodePng", () => {
  it("writes a PNG that a standard decoder reads back pixel for pixel", async () => {
    const image = gradient(37, 23);
    const png = await encodePng(image);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(Array.from(await decode(png, 37, 23))).toEqual(Array.from(image.data));
  });

  it("frames each chunk with its length and a CRC-32 over type and data", async () => {
    const png = await encodePng(gradient(5, 4));
    const types: string[] = [];
    for (let at = 8; at < png.length; ) {
      const length = png.readUInt32BE(at);
      types.push(png.toString("latin1", at + 4, at + 8));
      expect(png.readUInt32BE(at + 8 + length)).toBe(zlib.crc32(png.subarray(at + 4, at + 8 + length)));
      at += 12 + length;
    }
    expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
  });

  it("compresses a mostly white page to a small fraction of its raw size", async () => {
    const width = 1275;
    const height = 1650;
    const data = new Uint8ClampedArray(width * height * 4).fill(255);
    for (let y = 100; y < 1500; y += 24) data.fill(0, (y * width + 150) * 4, (y * width + 1100) * 4);
    const png = await encodePng({ width, height, data });
    expect(png.length).toBeLessThan(data.length / 50);
  });
});
