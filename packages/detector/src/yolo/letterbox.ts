import type { RgbaImage } from "@pagewise/core";
import { resizeIntoChw } from "../resize-chw";

/** Ultralytics' padding colour (114, 114, 114). */
const LETTERBOX_GRAY = 114;

export interface Letterbox {
  /** CHW float32, channels R, G, B, values / 255: Ultralytics' `images` input. */
  data: Float32Array;
  size: number;
  /** Model-input pixels per image pixel. */
  ratio: number;
  /** Left and top padding, model-input pixels. */
  padX: number;
  padY: number;
}

/** Python's round() (halves to even), which Ultralytics' LetterBox uses for the padding split. */
const roundHalfEven = (v: number) => {
  const f = Math.floor(v);
  const diff = v - f;
  return diff > 0.5 ? f + 1 : diff < 0.5 ? f : f % 2 === 0 ? f : f + 1;
};

/**
 * Ultralytics LetterBox(auto=False, scaleup=True, center=True) to a size x size square: scale by
 * min(size/h, size/w), resize bilinearly, pad both sides with gray 114 (top/left = round(pad/2 - 0.1)).
 */
export function letterbox(image: RgbaImage, size: number): Letterbox {
  const ratio = Math.min(size / image.height, size / image.width);
  const newW = Math.max(1, Math.min(size, Math.round(image.width * ratio)));
  const newH = Math.max(1, Math.min(size, Math.round(image.height * ratio)));
  const padX = roundHalfEven((size - newW) / 2 - 0.1);
  const padY = roundHalfEven((size - newH) / 2 - 0.1);
  const plane = size * size;
  const data = new Float32Array(3 * plane).fill(LETTERBOX_GRAY / 255);
  resizeIntoChw(image, newW, newH, { data, stride: size, left: padX, top: padY, channels: [0, 1, 2], mean: [0, 0, 0], std: [1, 1, 1] });
  return { data, size, ratio, padX, padY };
}

/** A model-input box [x0, y0, x1, y1] back in image pixels, clipped to the image. */
export function unletterbox(
  box: readonly [number, number, number, number],
  lb: Pick<Letterbox, "ratio" | "padX" | "padY">,
  image: { width: number; height: number },
): [number, number, number, number] {
  const clip = (v: number, max: number) => Math.min(max, Math.max(0, v));
  return [
    clip((box[0] - lb.padX) / lb.ratio, image.width),
    clip((box[1] - lb.padY) / lb.ratio, image.height),
    clip((box[2] - lb.padX) / lb.ratio, image.width),
    clip((box[3] - lb.padY) / lb.ratio, image.height),
  ];
}
