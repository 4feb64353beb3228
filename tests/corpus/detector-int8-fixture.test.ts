import fs from "node:fs";
import path from "node:path";
import type { Detection } from "@pagewise/core";
import { createDetector, type Detector } from "@pagewise/detector";
import { openPdf } from "@pagewise/pdf";
import { centreInside, overlaps } from "@pagewise/pipeline";
import { onnx } from "onnx-proto";
import { boxesFromProbabilities } from "../../packages/detector/src/postprocess";
import { toModelInput } from "../../packages/detector/src/preprocess";
import { corpusDir } from "../support/services";

const limits = { dpi: 150, maxPixels: 20_000_000 };
const float32 = createDetector("ppocr-det", { threads: 1, maxSide: 960 });
const int8 = createDetector("ppocr-det-int8", { threads: 1, maxSide: 960 });
type Box = [number, number, number, number];

async function detectWith(detectors: Detector[], name: string): Promise<{ detections: Detection[][]; text: Box[] }> {
  const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, `${name}.pdf`))), { maxPages: 100 });
  try {
    const page = await doc.renderPage(1, limits);
    const image = page.image();
    const detections = [];
    for (const d of detectors) detections.push(await d.detect(image));
    return { detections, text: (await doc.textBoxes(1, page.scale)).map((t) => t.box) };
  } finally {
    await doc.destroy();
  }
}

function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = (r: Box) => (r[2] - r[0]) * (r[3] - r[1]);
  return (w * h) / (area(a) + area(b) - w * h);
}

beforeAll(() => Promise.all([float32.load(), int8.load()]));
afterAll(() => Promise.all([float32.dispose(), int8.dispose()]));

describe("ppocr-det-int8 (the repository's INT8 model) on rendered corpus pages", () => {
  it.each(["text-1p-pdflatex", "multicolumn-latex"])("%s: finds the text lines the float model finds, on text", async (name) => {
    const {
      detections: [reference, quantized],
      text,
    } = await detectWith([float32, int8], name);
    const boxes = quantized!.map((d) => d.box);
    expect(int8.id).toBe("ppocr-det-int8");
    // As many boxes as the float model, within 5 % (measured on multicolumn-latex: 76 against 74; the model calibrated
    // on min/max, before, had 68: neighbouring lines joined).
    expect(boxes.length).toBeGreaterThanOrEqual(Math.floor(reference!.length * 0.95));
    expect(boxes.length).toBeLessThanOrEqual(Math.ceil(reference!.length * 1.05));
    // They lie on text, as the float model's do (the bounds of tests/corpus/detector-corpus-fixtures.test.ts).
    expect(text.filter((t) => boxes.some((d) => centreInside(t, d))).length / text.length).toBeGreaterThanOrEqual(0.85);
    expect(boxes.filter((d) => text.some((t) => overlaps(t, d))).length / boxes.length).toBeGreaterThanOrEqual(0.9);
    // The float model's lines come back as an overlapping box. Not quite all: INT8 moves the probability map a little
    // near DB's threshold, and a line can split or join (measured on multicolumn-latex: all of them at IoU >= 0.5, 0.99
    // at >= 0.7; the min/max-calibrated model had 0.80 and 0.73; text-1p-pdflatex: all of them).
    const kept = reference!.filter((r) => boxes.some((b) => iou(r.box, b) >= 0.5)).length;
    expect(kept / reference!.length).toBeGreaterThanOrEqual(0.92);
  });
});

describe("scripts/quantize-ppocr-det.js", () => {
  it("builds a QDQ model from the float one that onnxruntime loads and that finds text", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { buildQuantized } = require("../../scripts/quantize-ppocr-det.js") as {
      buildQuantized: (o: { modelPath: string; pages: string[] }) => Promise<Uint8Array>;
    };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ppocrDetModelPath } = require("../../packages/detector/src/model-files") as { ppocrDetModelPath: () => string };
    const bytes = await buildQuantized({ modelPath: ppocrDetModelPath(), pages: [path.join(corpusDir, "multicolumn-latex.pdf:1")] });
    const model = onnx.ModelProto.decode(bytes);
    const ops = model.graph!.node!.map((n) => n.opType);
    const convs = model.graph!.node!.filter((n) => n.opType === "Conv");
    // Every Conv but the two of the stem (the script's default --float) reads a dequantized int8 weight.
    const quantized = convs.filter((n) => n.input![1]!.endsWith(".dequantized"));
    expect(convs.length).toBeGreaterThan(50);
    expect(quantized.map((n) => n.name)).toEqual(convs.map((n) => n.name).filter((name) => name !== "p2o.Conv.0" && name !== "p2o.Conv.1"));
    // Every quantized Conv's output, and its input when that comes from a float op.
    expect(ops.filter((op) => op === "QuantizeLinear").length).toBeGreaterThan(quantized.length);
    expect(model.graph!.initializer!.filter((t) => t.dataType === onnx.TensorProto.DataType.INT8).length).toBeGreaterThanOrEqual(quantized.length);
    expect(bytes.length).toBeLessThan(fs.statSync(ppocrDetModelPath()).size / 2);

    // It runs as the detector runs it, on a page it was not calibrated on, and finds its lines.
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, graphOptimizationLevel: "all" });
    try {
      const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, "text-1p-pdflatex.pdf"))), { maxPages: 10 });
      const page = await doc.renderPage(1, limits);
      const input = toModelInput(page.image(), 960);
      await doc.destroy();
      const out = await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", input.data, [1, 3, input.height, input.width]) });
      const prob = out[session.outputNames[0]!]!;
      const boxes = boxesFromProbabilities({ data: prob.data as Float32Array, width: prob.dims[3]!, height: prob.dims[2]! }, { width: 1240, height: 1754 });
      const reference = (await detectWith([float32], "text-1p-pdflatex")).detections[0]!;
      expect(boxes.length).toBeGreaterThanOrEqual(reference.length - 1);
      expect(reference.filter((r) => boxes.some((b) => iou(r.box, b.box) >= 0.7)).length).toBeGreaterThanOrEqual(reference.length - 1);
    } finally {
      await session.release();
    }
  }, 120_000);
});
