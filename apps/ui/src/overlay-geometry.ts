import type { Detection } from "./types";

/** SVG `points` for a detection: its polygon when it has one, else its box. Coordinates are image pixels. */
export function polygonPoints(d: Pick<Detection, "box" | "polygon">): string {
  const pts: Array<[number, number]> =
    d.polygon.length >= 3
      ? d.polygon
      : [
          [d.box[0], d.box[1]],
          [d.box[2], d.box[1]],
          [d.box[2], d.box[3]],
          [d.box[0], d.box[3]],
        ];
  return pts.map(([x, y]) => `${round(x)},${round(y)}`).join(" ");
}

const round = (v: number) => Math.round(v * 10) / 10;

/** Colour by confidence: low scores amber, high scores teal (hue 40 → 170). */
export function scoreHue(score: number): number {
  const s = Math.min(1, Math.max(0, score));
  return Math.round(40 + s * 130);
}
