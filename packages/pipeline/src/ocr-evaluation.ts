import type { Detection } from "@pagewise/core";
import { centreInside, type Box } from "./text-layer-match";

export interface OcrPair {
  /** The text layer's items inside the detection, left to right. */
  reference: string;
  recognised: string;
}

const contains = (outer: Box, inner: Box, slack: number) =>
  inner[0] >= outer[0] - slack && inner[1] >= outer[1] - slack && inner[2] <= outer[2] + slack && inner[3] <= outer[3] + slack;

/**
 * Pairs each recognised detection with the text it should read: the text-layer items whose centre lies in it,
 * left to right. A detection is left out when one of those items sticks out of it by more than `slack` pixels
 * (the item is split across detections, so no fair reference exists) or when no item falls in it (a figure).
 */
export function ocrPairs(detections: readonly Detection[], items: ReadonlyArray<{ box: Box; text: string }>, slack = 4): OcrPair[] {
  const pairs: OcrPair[] = [];
  for (const d of detections) {
    if (d.text === undefined) continue;
    const mine = items.filter((t) => centreInside(t.box, d.box));
    if (mine.length === 0 || mine.some((t) => !contains(d.box, t.box, slack))) continue;
    const reference = [...mine].sort((a, b) => a.box[0] - b.box[0]).map((t) => t.text).join(" ");
    pairs.push({ reference, recognised: d.text });
  }
  return pairs;
}
