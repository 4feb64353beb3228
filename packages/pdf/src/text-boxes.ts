import type { TextContent, TextItem } from "pdfjs-dist/types/src/display/api";

export interface TextBox {
  box: [number, number, number, number];
  text: string;
  /** Where the item's baseline starts, in PDF user-space points (its text matrix's translation). */
  origin: [number, number];
}

type Matrix = number[];

/** Where the glyphs sit relative to the baseline, in font-size units, when the font does not say (pdf.js's default). */
const DEFAULT_ASCENT = 0.8;

const apply = (m: Matrix, x: number, y: number): [number, number] => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/**
 * Axis-aligned pixel boxes of the non-blank text items. Each item is a run of glyphs starting at its baseline
 * origin: along the text direction it spans item.width, across it the font's descent..ascent. The four corners go
 * through the viewport transform (scale, y flip and /Rotate), then are clipped to the page raster.
 */
export function textItemBoxes(content: TextContent, viewportTransform: Matrix, size: { width: number; height: number }): TextBox[] {
  const boxes: TextBox[] = [];
  for (const item of content.items) {
    if (!("str" in item) || item.str.trim() === "") continue;
    const box = itemBox(item, content.styles[item.fontName], viewportTransform, size);
    if (box) boxes.push({ box, text: item.str, origin: [item.transform[4], item.transform[5]] });
  }
  return boxes;
}

function itemBox(
  item: TextItem,
  style: { ascent: number; descent: number } | undefined,
  viewportTransform: Matrix,
  size: { width: number; height: number },
): [number, number, number, number] | undefined {
  const [a, b, c, d, e, f] = item.transform as Matrix;
  const along = Math.hypot(a, b);
  if (!(along > 0) || !(item.width > 0)) return undefined;
  const ascent = style?.ascent || (style?.descent ? 1 + style.descent : DEFAULT_ASCENT);
  const descent = style?.descent || ascent - 1;
  const ux = (a / along) * item.width;
  const uy = (b / along) * item.width;
  const corners = [
    [e + c * descent, f + d * descent],
    [e + ux + c * descent, f + uy + d * descent],
    [e + ux + c * ascent, f + uy + d * ascent],
    [e + c * ascent, f + d * ascent],
  ].map(([x, y]) => apply(viewportTransform, x, y));
  const xs = corners.map((p) => p[0]);
  const ys = corners.map((p) => p[1]);
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const box: [number, number, number, number] = [
    clip(Math.min(...xs), size.width),
    clip(Math.min(...ys), size.height),
    clip(Math.max(...xs), size.width),
    clip(Math.max(...ys), size.height),
  ];
  return box[2] > box[0] && box[3] > box[1] ? box : undefined;
}
