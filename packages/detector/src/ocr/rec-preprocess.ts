import type { RgbaImage } from "@pagewise/core";
import { resizeIntoChw } from "../resize-chw";

/** PP-OCRv4 rec_image_shape [3, 48, 320]. */
const REC_HEIGHT = 48;
const REC_MIN_WIDTH = 320;

export interface RecognitionInput {
  /** CHW float32, B, G, R channel order (PaddleOCR's OpenCV images), (x / 255 - 0.5) / 0.5, zero-padded right. */
  data: Float32Array;
  width: number;
  height: number;
}

/**
 * PaddleOCR's resize_norm_img for one crop: the input width is int(48 * max(320 / 48, w / h)); the crop is resized to
 * height 48 and width min(that, ceil(48 * w / h)), normalised to [-1, 1], and the rest of the row stays 0.
 */
export function recognitionInput(crop: RgbaImage, maxWidth = 4096): RecognitionInput {
  const height = REC_HEIGHT;
  const ratio = crop.width / crop.height;
  const width = Math.min(maxWidth, Math.trunc(height * Math.max(REC_MIN_WIDTH / REC_HEIGHT, ratio)));
  const resizedWidth = Math.max(1, Math.min(width, Math.ceil(height * ratio)));
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  resizeIntoChw(crop, resizedWidth, height, { data, stride: width, channels: [2, 1, 0], mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
  return { data, width, height };
}
