/**
 * The matching rule between detections and the PDF's own text layer (pdf.js text items, in the same pixels):
 * a text item is found when its centre lies inside a detection; a detection is on text when it overlaps an item.
 */
export type Box = readonly [number, number, number, number];

export const centreInside = (t: Box, d: Box) => {
  const cx = (t[0] + t[2]) / 2;
  const cy = (t[1] + t[3]) / 2;
  return cx >= d[0] && cx <= d[2] && cy >= d[1] && cy <= d[3];
};

export const overlaps = (a: Box, b: Box) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];

export interface MatchCounts {
  textItems: number;
  textItemsFound: number;
  detections: number;
  detectionsOnText: number;
}

export function matchTextLayer(detections: readonly Box[], text: readonly Box[]): MatchCounts {
  return {
    textItems: text.length,
    textItemsFound: text.filter((t) => detections.some((d) => centreInside(t, d))).length,
    detections: detections.length,
    detectionsOnText: detections.filter((d) => text.some((t) => overlaps(t, d))).length,
  };
}
