const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * An RGBA raster's pixels as 32-bit words (R in the low byte, alpha in the high one), for loops that read a pixel in
 * one load instead of four; undefined where the machine is big-endian or the view is not 4-byte aligned, and the
 * caller reads bytes instead.
 */
export function pixelWords(rgba: Uint8Array): Uint32Array | undefined {
  return LITTLE_ENDIAN && rgba.byteOffset % 4 === 0 ? new Uint32Array(rgba.buffer, rgba.byteOffset, rgba.length >> 2) : undefined;
}
