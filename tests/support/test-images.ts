import zlib from "node:zlib";
import { openPdf } from "@pagewise/pdf";
import sharp from "sharp";
import { corpusFile } from "./services";

/**
 * Small images made by the tests (no binary fixtures): a white page with dark "text lines" (bars of varying length
 * in rows, as a detector of text lines sees a printed page), in each input format Pagewise takes.
 */
function pageRaster(width: number, height: number, seed = 1): Buffer {
  const gray = Buffer.alloc(width * height, 255);
  const lineHeight = Math.max(6, Math.round(height / 30));
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let top = lineHeight * 2; top + lineHeight < height - lineHeight * 2; top += lineHeight * 2) {
    const left = Math.round(width * 0.1);
    const right = Math.round(width * (0.5 + 0.4 * next()));
    // Words: runs of dark columns with gaps, one stroke-height tall.
    for (let x = left; x < right; x++) {
      if (Math.floor((x - left) / Math.max(3, Math.round(width / 40))) % 4 === 3) continue;
      for (let y = top; y < top + Math.round(lineHeight * 0.7); y++) gray[y * width + x] = 20;
    }
  }
  return gray;
}

const raw = (width: number, height: number, pages = 1, seed = 1) => ({
  data: Buffer.concat(Array.from({ length: pages }, (_, i) => pageRaster(width, height, seed + i))),
  options: { raw: { width, height: height * pages, channels: 1 as const, ...(pages > 1 ? { pageHeight: height } : {}) } },
});

export async function makePng(width: number, height: number, seed = 1): Promise<Buffer> {
  const { data, options } = raw(width, height, 1, seed);
  return sharp(data, options).png().toBuffer();
}

export async function makeJpeg(width: number, height: number, seed = 1): Promise<Buffer> {
  const { data, options } = raw(width, height, 1, seed);
  return sharp(data, options).jpeg({ quality: 90 }).toBuffer();
}

export async function makeWebp(width: number, height: number, seed = 1): Promise<Buffer> {
  const { data, options } = raw(width, height, 1, seed);
  return sharp(data, options).webp({ quality: 90 }).toBuffer();
}

/** A multi-page bitonal TIFF, each frame CCITT Group 4 compressed: what document scanners write. */
export async function makeG4Tiff(width: number, height: number, pages: number): Promise<Buffer> {
  const { data, options } = raw(width, height, pages);
  return sharp(data, options).toColourspace("b-w").tiff({ compression: "ccittfax4", bitdepth: 1 }).toBuffer();
}

/** The compression tag (259) of each frame of a little-endian TIFF: 4 is CCITT Group 4. */
export function tiffCompressions(tiff: Buffer): number[] {
  const found: number[] = [];
  let ifd = tiff.readUInt32LE(4);
  while (ifd !== 0 && found.length < 1000) {
    const entries = tiff.readUInt16LE(ifd);
    for (let i = 0; i < entries; i++) {
      const at = ifd + 2 + i * 12;
      if (tiff.readUInt16LE(at) === 259) found.push(tiff.readUInt16LE(at + 8));
    }
    ifd = tiff.readUInt32LE(ifd + 2 + entries * 12);
  }
  return found;
}

/**
 * A decompression bomb: a valid PNG whose header declares width × height pixels (grey, 8 bit) but whose data is a
 * few bytes. Decoding it would need width × height × 4 bytes; its header says so before anything is decoded.
 */
export function pngBomb(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", zlib.deflateSync(Buffer.alloc(width + 1))), // one row of zeros; the rest is missing
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/**
 * A real printed page as an image: a corpus PDF's page rendered by Pagewise's own renderer at `dpi`, then encoded
 * by sharp as `format` (a TIFF: bitonal, CCITT G4, one frame per page in `pages`). What a scanner or a phone makes
 * of a printed page, with real text for the detector to find.
 */
export async function scannedPage(file: string, format: "png" | "jpeg" | "webp" | "tiff", dpi = 150, pages: number[] = [1]): Promise<Buffer> {
  const pdf = await openPdf(corpusFile(file), { maxPages: 10_000 });
  try {
    const frames: Array<{ data: Buffer; width: number; height: number }> = [];
    for (const number of pages) {
      const page = await pdf.renderPage(number, { dpi, maxPixels: 16_000_000 });
      const image = page.image();
      frames.push({ data: Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), width: image.width, height: image.height });
      page.release();
    }
    const { width, height } = frames[0]!;
    const same = frames.filter((f) => f.width === width && f.height === height);
    const input = sharp(Buffer.concat(same.map((f) => f.data)), {
      raw: { width, height: height * same.length, channels: 4, ...(same.length > 1 ? { pageHeight: height } : {}) },
    }).removeAlpha();
    if (format === "tiff") return input.threshold(160).toColourspace("b-w").tiff({ compression: "ccittfax4", bitdepth: 1 }).toBuffer();
    if (format === "jpeg") return input.jpeg({ quality: 85 }).toBuffer();
    if (format === "webp") return input.webp({ quality: 85 }).toBuffer();
    return input.png().toBuffer();
  } finally {
    await pdf.destroy();
  }
}
