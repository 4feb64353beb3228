/** An RGBA raster, row-major, 4 bytes a pixel (what a canvas's getImageData gives). */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8ClampedArray | Uint8Array;
}
