import type { Detection, RgbaImage } from "@pagewise/core";
import { cropForRecognition, type TextRecognizer } from "@pagewise/detector";

/** Labels the line recogniser reads: ppocr-det's "text" and the text-like classes of layout models. */
const isTextLabel = (label: string) => /text|title|header|footer|caption|footnote|list/i.test(label);

/**
 * Adds `text` and `textScore` to every text detection, each cropped from `image` (the page raster before any
 * annotation is drawn on it). Other detections are returned unchanged.
 */
export async function recognizeText(image: RgbaImage, detections: Detection[], recognizer: TextRecognizer): Promise<Detection[]> {
  const out: Detection[] = [];
  for (const detection of detections) {
    const crop = isTextLabel(detection.label) ? cropForRecognition(image, detection.box) : undefined;
    if (!crop) {
      out.push(detection);
      continue;
    }
    const { text, score } = await recognizer.recognize(crop);
    out.push({ ...detection, text, textScore: Math.round(score * 10_000) / 10_000 });
  }
  return out;
}
