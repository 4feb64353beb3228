import zlib from "node:zlib";
import { pixelWords } from "./pixel-words";

/**
 * zlib level 3, no PNG row filter, RGB. Measured on 150-dpi page rasters (CPU ms a page, median of 11, the
 * lead's and this module's micro-benchmarks; docs/benchmarks.md, "Performance (issue 20)"): Skia's
 * `canvas.encode("png")` 60-68 ms on text pages and 190-260 ms on a scan; this 10-13 ms (138-216 KB, Skia's
 * 139-228 KB) and 40-55 ms on the scan (1.3 MB, Skia's 1.1 MB). libvips (sharp) was as fast with 15 % smaller
 * files, but adds 19 MB to install and 18-28 MB to the compute child's RSS; the Up filter and level 6 cost more
 * CPU for 5 % fewer bytes.
 */
const PNG_DEFLATE_LEVEL = 3;

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Scanlines handed to zlib at a time: ~1 MB, so a 16-Mpx page is never copied whole (48 MB) beside its raster. */
const CHUNK_BYTES = 2 ** 20;

/**
 * Scanline buffers zlib has finished reading, for the next chunk of this page or of the next: a page's ~6 MB of
 * scanlines then allocate no new ArrayBuffer, whose bytes V8 counts against its old-space limit until a major
 * collection (docs/benchmarks.md, "Performance (issue 20)"). At most two are kept (~2 MB).
 */
const idleChunks: Buffer[] = [];
const MAX_IDLE_CHUNKS = 2;

function takeChunk(bytes: number): Buffer {
  const idle = idleChunks.pop();
  return idle && idle.length >= bytes ? idle : Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, bytes));
}

/**
 * Rows [from, from + rows) of an opaque RGBA raster as PNG wants them before deflate, written into `out`: a filter
 * byte (0, none) then RGB. The alpha channel is dropped, so the raster must be opaque (a rendered page is: it is
 * painted on white first).
 */
function opaqueScanlines(rgba: Uint8Array, width: number, from: number, rows: number, out: Buffer): Buffer {
  let o = 0;
  // A pixel as one 32-bit word where the machine and the view's alignment allow it: one read instead of three.
  const pixels = pixelWords(rgba);
  if (pixels) {
    let p = from * width;
    for (let y = 0; y < rows; y++) {
      out[o++] = 0;
      for (let x = 0; x < width; x++) {
        const v = pixels[p++];
        out[o] = v;
        out[o + 1] = v >>> 8;
        out[o + 2] = v >>> 16;
        o += 3;
      }
    }
    return out;
  }
  let i = from * width * 4;
  for (let y = 0; y < rows; y++) {
    out[o++] = 0;
    for (let x = 0; x < width; x++, i += 4) {
      out[o++] = rgba[i] as number;
      out[o++] = rgba[i + 1] as number;
      out[o++] = rgba[i + 2] as number;
    }
  }
  return out;
}

function deflateScanlines(rgba: Uint8Array, width: number, height: number, level: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const deflate = zlib.createDeflate({ level });
    const parts: Buffer[] = [];
    deflate.on("data", (part: Buffer) => parts.push(part));
    deflate.once("end", () => resolve(Buffer.concat(parts)));
    deflate.once("error", reject);
    const rowsPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / (width * 3 + 1)));
    let y = 0;
    // Row chunks are made as zlib takes them (its 'drain'), so at most a chunk or two wait beside the raster.
    const writeMore = () => {
      while (y < height) {
        const rows = Math.min(rowsPerChunk, height - y);
        const bytes = (width * 3 + 1) * rows;
        const buffer = takeChunk(bytes);
        // zlib calls back once it has read the whole chunk (deflate keeps its own window), so the buffer can be reused.
        const more = deflate.write(opaqueScanlines(rgba, width, y, rows, buffer.subarray(0, bytes)), () => {
          if (idleChunks.length < MAX_IDLE_CHUNKS) idleChunks.push(buffer);
        });
        y += rows;
        if (!more) {
          deflate.once("drain", writeMore);
          return;
        }
      }
      deflate.end();
    };
    writeMore();
  });
}

/**
 * A PNG (8-bit RGB) of an opaque RGBA raster. The deflate runs on libuv's thread pool, as Skia's encoder did, so it
 * overlaps the next page's rendering and inference; the raster is read until the returned promise settles.
 */
export async function encodeOpaquePng(rgba: Uint8Array, width: number, height: number, level = PNG_DEFLATE_LEVEL): Promise<Buffer> {
  if (rgba.length < width * height * 4) throw new Error(`raster of ${rgba.length} bytes is smaller than ${width} x ${height} RGBA`);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB (compression, filter method and interlace stay 0)
  const idat = await deflateScanlines(rgba, width, height, level);
  return Buffer.concat([SIGNATURE, chunk("IHDR", header), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]);
}
