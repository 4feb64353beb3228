export interface RenderLimits {
  /** Target resolution in dots per inch (72 = one pixel per PDF point). */
  dpi: number;
  /** Upper bound for width * height of the raster, whatever the dpi. */
  maxPixels: number;
}

/** Pixel size of a page of widthPt x heightPt points at `scale` px/pt: rounded, at least 1 px each side. */
export function pixelSize(widthPt: number, heightPt: number, scale: number): { width: number; height: number } {
  return { width: Math.max(1, Math.round(widthPt * scale)), height: Math.max(1, Math.round(heightPt * scale)) };
}

/**
 * Pixels per PDF point: dpi / 72, reduced so the rounded raster has at most maxPixels pixels. The 1 px floor per
 * side wins over the cap only for degenerate pages (a side of zero points, or a cap smaller than the aspect ratio).
 */
export function renderScale(widthPt: number, heightPt: number, limits: RenderLimits): number {
  const { dpi, maxPixels } = limits;
  if (!(dpi > 0) || !Number.isFinite(dpi)) throw new RangeError(`dpi must be a positive number, got ${dpi}`);
  if (!(maxPixels >= 1)) throw new RangeError(`maxPixels must be at least 1, got ${maxPixels}`);
  if (!(widthPt >= 0 && heightPt >= 0 && Number.isFinite(widthPt) && Number.isFinite(heightPt))) {
    throw new RangeError(`page size must be finite and non-negative, got ${widthPt} x ${heightPt}`);
  }
  let scale = dpi / 72;
  const area = widthPt * heightPt;
  if (area * scale * scale > maxPixels) scale = Math.sqrt(maxPixels / area);
  // Rounding up a side can overshoot the cap by a fraction of a row; shave the scale until it fits.
  for (let i = 0; i < 20; i++) {
    const { width, height } = pixelSize(widthPt, heightPt, scale);
    if (width * height <= maxPixels || (width === 1 && height === 1)) break;
    scale *= Math.min(0.9999, Math.sqrt(maxPixels / (width * height)));
  }
  return scale;
}
