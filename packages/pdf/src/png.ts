import { promisify } from "node:util";
import zlib from "node:zlib";

/**
 * zlib level 3, no PNG row filter, RGB. Measured on 150-dpi page rasters (CPU ms a page, median of 11, the
 * lead's and this module's micro-benchmarks; docs/benchmarks.md, "Performance (issue 20)"): Skia's
 * `canvas.encode("png")` 60-68 ms on text pages and 190-260 ms on a scan; this 10-13 ms (138-216 KB, Skia's
 * 139-228 KB) and 40-55 ms on the scan (1.3 MB, Skia's 1.1 MB). libvips (sharp) was as fast with 15 % smaller
 * files, but adds 19 MB to install and 18-28 MB to the compute child's RSS; the Up filter and level 6 cost more
 * CPU for 5 % fewer bytes.
 */
export const PNG_DEFLATE_LEVEL = 3;

const deflate = promisify(zlib.deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  data.copy(out, 8);
  out.writeUInt32BE(zlib.crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * An opaque RGBA raster's scanlines as PNG wants them before deflate: a filter byte (0, none) then RGB. The alpha
 * channel is dropped, so the caller's raster must be opaque (a rendered page is: it is painted on white first).
 * Synchronous: once it returns the raster may be freed or changed.
 */
export function opaqueScanlines(rgba: Uint8Array, width: number, height: number): Buffer {
  if (rgba.length < width * height * 4) throw new Error(`raster of ${rgba.length} bytes is smaller than ${width} x ${height} RGBA`);
  const stride = width * 3 + 1;
  const out = Buffer.allocUnsafe(stride * height);
  let o = 0;
  let i = 0;
  for (let y = 0; y < height; y++) {
    out[o++] = 0;
    for (let x = 0; x < width; x++, i += 4) {
      out[o++] = rgba[i] as number;
      out[o++] = rgba[i + 1] as number;
      out[o++] = rgba[i + 2] as number;
    }
  }
  return out;
}

/**
 * A PNG (8-bit RGB) of an opaque RGBA raster. The scanlines are copied before this returns; the deflate runs on
 * libuv's thread pool, as Skia's encoder did, so it overlaps the next page's rendering and inference.
 */
export async function encodeOpaquePng(rgba: Uint8Array, width: number, height: number, level = PNG_DEFLATE_LEVEL): Promise<Buffer> {
  const scanlines = opaqueScanlines(rgba, width, height);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: RGB (compression, filter method and interlace stay 0)
  const idat = await deflate(scanlines, { level });
  return Buffer.concat([SIGNATURE, chunk("IHDR", header), chunk("IDAT", idat), chunk("IEND", Buffer.alloc(0))]);
}
