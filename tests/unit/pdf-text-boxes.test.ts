import type { TextContent } from "pdfjs-dist/types/src/display/api";
import { textItemBoxes } from "../../packages/pdf/src/text-boxes";

// A 100 x 200 pt page at 2 px/pt, as pdf.js's PageViewport builds its transform for /Rotate 0 and 90.
const upright = [2, 0, 0, -2, 0, 400];
const rotated90 = [0, 2, 2, 0, 0, 0];

function content(items: Array<{ str: string; transform: number[]; width: number }>): TextContent {
  return {
    items: items.map((item) => ({ ...item, dir: "ltr", height: 10, fontName: "f1", hasEOL: false })),
    styles: { f1: { ascent: 0.75, descent: -0.25, vertical: false, fontFamily: "serif" } },
    lang: null,
  };
}

describe("textItemBoxes", () => {
  const line = { str: "Hello", transform: [10, 0, 0, 10, 20, 100], width: 40 };

  it("spans the run's width and the font's descent..ascent, in viewport pixels", () => {
    // x 20..60 pt, y from 100 - 2.5 to 100 + 7.5 pt; flipped: y_px = 400 - 2 * y_pt.
    expect(textItemBoxes(content([line]), upright, { width: 200, height: 400 })).toEqual([{ box: [40, 185, 120, 205], text: "Hello", origin: [20, 100] }]);
  });

  it("follows the viewport's rotation", () => {
    const [box] = textItemBoxes(content([line]), rotated90, { width: 400, height: 200 });
    expect(box.box).toEqual([195, 40, 215, 120]);
  });

  it("skips blank items and marked-content markers, and clips to the raster", () => {
    const items = content([{ str: "  ", transform: [10, 0, 0, 10, 0, 0], width: 5 }, { str: "edge", transform: [10, 0, 0, 10, 90, 195], width: 40 }]);
    items.items.push({ type: "beginMarkedContent", id: "m1" } as unknown as TextContent["items"][number]);
    expect(textItemBoxes(items, upright, { width: 200, height: 400 })).toEqual([{ box: [180, 0, 200, 15], text: "edge", origin: [90, 195] }]);
  });
});
