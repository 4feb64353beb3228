import fs from "node:fs/promises";
import type { Detection, Detector, DetectorOptions, RgbaImage, Size } from "../types";
import { createOnnxSession, Lazy, type LoadedSession } from "../onnx-session";
import { readOnnxMetadataProps } from "../onnx-metadata";
import { letterbox, unletterbox } from "../yolo/letterbox";
import { classAwareNms, decodeYoloOutput, yoloDecodeDefaults } from "../yolo/decode";
import { parseLabelsFile, parseUltralyticsNames } from "../yolo/labels";

/** Input side when the model's input is dynamic (Ultralytics' default imgsz). */
const DEFAULT_INPUT_SIZE = 640;

interface LoadedYolo extends LoadedSession {
  size: number;
  names: string[];
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * Any Ultralytics-format detection export (YOLOv8/11 `model.export(format="onnx")`), e.g. a DocLayNet layout model:
 * letterbox to the model's square input, decode [1, 4 + nc, N], confidence threshold, class-aware NMS, boxes mapped
 * back to the page image. Class names come from YOLO_LABELS_PATH if set, else the model's metadata "names".
 */
export class YoloDetector implements Detector {
  readonly id = "yolo";
  private readonly loaded = new Lazy(() => this.open());

  constructor(private readonly options: DetectorOptions) {}

  async load(): Promise<void> {
    await this.loaded.get();
  }

  async detect(image: RgbaImage, outputSize: Size = image): Promise<Detection[]> {
    const { session, ort, size, names } = await this.loaded.get();
    const lb = letterbox(image, size);
    const input = new ort.Tensor("float32", lb.data, [1, 3, size, size]);
    const outputs = await session.run({ [session.inputNames[0]]: input });
    const output = outputs[session.outputNames[0]];
    try {
      const confidence = this.options.confidence ?? yoloDecodeDefaults.confidence;
      const candidates = decodeYoloOutput(output.data as Float32Array, output.dims, confidence);
      const kept = classAwareNms(candidates, this.options.iou ?? yoloDecodeDefaults.iou, yoloDecodeDefaults.maxDetections);
      const detections: Detection[] = [];
      const sx = outputSize.width / image.width;
      const sy = outputSize.height / image.height;
      for (const c of kept) {
        const [bx0, by0, bx1, by1] = unletterbox(c.box, lb, image);
        const [x0, y0, x1, y1] = [bx0 * sx, by0 * sy, bx1 * sx, by1 * sy].map(round2);
        if (x1 <= x0 || y1 <= y0) continue;
        detections.push({
          box: [x0, y0, x1, y1],
          polygon: [[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
          score: c.score,
          label: names[c.classId] ?? `class_${c.classId}`,
        });
      }
      return detections;
    } finally {
      output.dispose();
    }
  }

  async dispose(): Promise<void> {
    await (await this.loaded.take())?.session.release();
  }

  private async open(): Promise<LoadedYolo> {
    const modelPath = this.options.modelPath;
    if (!modelPath) throw new Error("the yolo detector needs a model file: set YOLO_MODEL_PATH");
    const bytes = new Uint8Array(await fs.readFile(modelPath));
    const names = this.options.labelsPath
      ? parseLabelsFile(await fs.readFile(this.options.labelsPath, "utf8"))
      : parseUltralyticsNames(readOnnxMetadataProps(bytes).names ?? "");
    const loaded = await createOnnxSession(bytes, this.options.threads);
    const meta = loaded.session.inputMetadata[0];
    const shape = meta && meta.isTensor ? meta.shape : [];
    const side = typeof shape[3] === "number" && shape[3] > 0 ? shape[3] : DEFAULT_INPUT_SIZE;
    if (typeof shape[2] === "number" && shape[2] !== side) {
      await loaded.session.release();
      throw new Error(`the yolo detector needs a square input; the model's is ${shape[2]} x ${shape[3]}`);
    }
    return { ...loaded, size: side, names };
  }
}
