#!/usr/bin/env node
// Builds an INT8 (static QDQ) PP-OCRv4 text detector from the shipped float model, in Node, with onnx-proto and
// onnxruntime-node: no Python, no onnxruntime.quantization.
//   npm run build && node scripts/quantize-ppocr-det.js [--float=CONVS] [--calibration=percentile:P|minmax]
//     [OUT.onnx] [PDF[:PAGES] ...]
// Default calibration pages: text and scanned pages of the shared corpus (CORPUS_DIR), neither the benchmark manual
// nor the pages scripts/quality.js scores. OUT defaults to the file the `ppocr-det-int8` detector loads
// (packages/detector/models/ch_PP-OCRv4_det_int8.onnx, kept in the repository); select it with
// DETECTOR_MODEL=ppocr-det-int8 (worker, scripts/quality.js) or `pagewise detect -m ppocr-det-int8`.
//
// What it does, as onnxruntime's quantize_static(QuantFormat.QDQ, per_channel=True) would for Conv:
// 1. calibration: the model is run with every Conv's input and output exposed as graph outputs, on the pages the
//    detector would see (same pre-processing), and each tensor's range is kept: by default the middle 99.995 % of its
//    values (percentile calibration; --calibration below);
// 2. every Conv but those of --float gets its activation input as QuantizeLinear → DequantizeLinear (uint8,
//    asymmetric, from the range), its weight as an int8 initializer (symmetric, per output channel) → DequantizeLinear,
//    its bias as int32 (scale = input scale × weight scale) → DequantizeLinear, and its output as QuantizeLinear →
//    DequantizeLinear. onnxruntime fuses each DQ → Conv → Q into a QLinearConv (integer kernels) when the session is
//    optimised. ConvTranspose, the resizes and the head's sigmoid stay float. Opset 11 → 13 (per-axis
//    QuantizeLinear); the model's other operators mean the same at 13.
//
// Options (the committed model is built with the defaults; docs/benchmarks.md, "Goal 2: INT8 detector", has what
// each variant did to the boxes and the speed):
//   --float=CONVS  Convs left in float (not quantized): a comma-separated list of node names (p2o.Conv.61) or of
//                  ranges of them (p2o.Conv.33-60). A quantized Conv reading a float one's output gets its own input
//                  QuantizeLinear → DequantizeLinear. Default: p2o.Conv.0-1, the stem (the 3×3 Conv on the image and
//                  the depthwise Conv after it, at half the input's resolution): quantized, they cost more than they
//                  save (a QuantizeLinear of the whole image, integer kernels on 3 and 16 channels), and the model
//                  takes ~5 % less CPU with them in float, its boxes as close to the float model's. Leaving the head,
//                  the neck or the squeeze-excite Convs in float did not bring the boxes closer.
//   --calibration=percentile:P | minmax  each activation's range is the middle P % of its values over the
//                  calibration pages ((100 − P)/2 % cut from each end, read from a 2,048-bin histogram over its
//                  min/max; default percentile:99.995), or its whole min/max. Both are widened to include 0.
//                  MinMax lets a few outlying values stretch the uint8 step, and the probability map moves near
//                  DB's threshold: neighbouring lines join.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { onnx } = require("onnx-proto");

/** The Convs the committed model keeps in float (--float), and its calibration (--calibration). */
const DEFAULT_FLOAT = "p2o.Conv.0-1";
const DEFAULT_CALIBRATION = "percentile:99.995";

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const UINT8 = onnx.TensorProto.DataType.UINT8;
const INT8 = onnx.TensorProto.DataType.INT8;
const INT32 = onnx.TensorProto.DataType.INT32;

function floatsOf(tensor) {
  if (tensor.floatData && tensor.floatData.length) return Float32Array.from(tensor.floatData);
  const raw = tensor.rawData;
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

const dimsOf = (tensor) => tensor.dims.map((d) => Number(d));

function tensor(name, dataType, dims, typed) {
  return onnx.TensorProto.create({ name, dataType, dims, rawData: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) });
}

const node = (opType, inputs, outputs, name, attribute = []) => onnx.NodeProto.create({ opType, input: inputs, output: outputs, name, attribute });
const intAttr = (name, i) => onnx.AttributeProto.create({ name, type: onnx.AttributeProto.AttributeType.INT, i });

/** The model's constant tensors by name (PaddleOCR's export keeps weights as Constant nodes, not initializers). */
function constants(graph) {
  const out = new Map();
  for (const n of graph.node) if (n.opType === "Constant") out.set(n.output[0], n.attribute.find((a) => a.name === "value").t);
  for (const t of graph.initializer) out.set(t.name, t);
  return out;
}

function convs(graph) {
  return graph.node.filter((n) => n.opType === "Conv");
}

/** The model with each Conv's activation input and output added as graph outputs, for calibration. */
function calibrationModel(model) {
  const copy = onnx.ModelProto.decode(onnx.ModelProto.encode(model).finish());
  const names = new Set();
  for (const c of convs(copy.graph)) names.add(c.input[0]).add(c.output[0]);
  const existing = new Set(copy.graph.output.map((o) => o.name));
  for (const name of names) {
    if (existing.has(name)) continue;
    copy.graph.output.push(onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: FLOAT } } }));
  }
  return { bytes: onnx.ModelProto.encode(copy).finish(), names: [...names] };
}

/** Runs the calibration model on every input and hands each exposed tensor's values to visit(name, data). */
async function forEachTensor(bytes, names, inputs, visit) {
  const ort = require("onnxruntime-node");
  // No graph optimisation: the exposed tensors must be the model's own (a fused Conv + activation would hide some).
  const session = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: "disabled", intraOpNumThreads: 1 });
  try {
    for (const input of inputs) {
      const feeds = { [session.inputNames[0]]: new ort.Tensor("float32", input.data, [1, 3, input.height, input.width]) };
      const outputs = await session.run(feeds, names);
      for (const name of names) {
        visit(name, outputs[name].data);
        outputs[name].dispose?.();
      }
    }
  } finally {
    await session.release();
  }
}

const BINS = 2048;

/**
 * The activation range of every calibration tensor over the pages, widened to include 0 (so zero is exact, as
 * onnxruntime does): its min/max, or with `percentile` P the P and 100 − P percentiles of its values (a second pass
 * fills a histogram over the min/max).
 */
async function calibrate(model, inputs, { percentile } = {}) {
  const { bytes, names } = calibrationModel(model);
  const ranges = new Map(names.map((n) => [n, { min: 0, max: 0 }]));
  await forEachTensor(bytes, names, inputs, (name, data) => {
    const range = ranges.get(name);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (v < range.min) range.min = v;
      else if (v > range.max) range.max = v;
    }
  });
  if (percentile === undefined) return ranges;
  const histograms = new Map(names.map((n) => [n, new Float64Array(BINS)]));
  await forEachTensor(bytes, names, inputs, (name, data) => {
    const { min, max } = ranges.get(name);
    const bins = histograms.get(name);
    const per = max > min ? BINS / (max - min) : 0;
    for (let i = 0; i < data.length; i++) bins[Math.min(BINS - 1, Math.floor((data[i] - min) * per))]++;
  });
  const cut = (100 - percentile) / 200;
  const clipped = new Map();
  for (const name of names) {
    const { min, max } = ranges.get(name);
    const bins = histograms.get(name);
    const total = bins.reduce((a, b) => a + b, 0);
    const width = (max - min) / BINS;
    let lo = 0;
    for (let seen = 0; lo < BINS - 1 && (seen += bins[lo]) <= cut * total; ) lo++;
    let hi = BINS - 1;
    for (let seen = 0; hi > 0 && (seen += bins[hi]) <= cut * total; ) hi--;
    clipped.set(name, { min: Math.min(0, min + lo * width), max: Math.max(0, min + (hi + 1) * width) });
  }
  return clipped;
}

/** uint8 asymmetric scale and zero point of a range (onnxruntime's MinMax, reduce_range off). */
function activationParams({ min, max }) {
  const scale = max > min ? (max - min) / 255 : 1;
  const zeroPoint = Math.max(0, Math.min(255, Math.round(-min / scale)));
  return { scale, zeroPoint };
}

/** The float model rewritten with QDQ around every Conv but those named in `float` (see the header), with the ranges from calibrate(). */
function quantize(model, ranges, float = new Set()) {
  const graph = model.graph;
  const consts = constants(graph);
  const dropConstants = new Set();
  const initializers = [];
  /** Tensor name → its QDQ'd name, so a tensor read by several Convs is quantized once. */
  const qdq = new Map();

  const qdqOf = (name, prefix) => {
    if (qdq.has(name)) return { name: qdq.get(name), nodes: [] };
    const { scale, zeroPoint } = activationParams(ranges.get(name));
    const s = `${prefix}.scale`;
    const z = `${prefix}.zero_point`;
    initializers.push(tensor(s, FLOAT, [], Float32Array.of(scale)), tensor(z, UINT8, [], Uint8Array.of(zeroPoint)));
    const q = `${prefix}.quantized`;
    const dq = `${prefix}.dequantized`;
    qdq.set(name, dq);
    return { name: dq, nodes: [node("QuantizeLinear", [name, s, z], [q], `${prefix}.Q`), node("DequantizeLinear", [q, s, z], [dq], `${prefix}.DQ`)], scale };
  };
  const scaleOf = (name) => activationParams(ranges.get(name)).scale;

  const renames = new Map(); // conv output → its QDQ'd name, applied to every later reader
  const newNodes = [];
  for (const n of graph.node) {
    n.input = n.input.map((i) => renames.get(i) ?? i);
    if (n.opType !== "Conv" || float.has(n.name)) {
      newNodes.push(n);
      continue;
    }
    const [x, w, b] = n.input;
    const id = n.name || n.output[0];
    // Activation input: already a DQ output when it comes from a quantized Conv.
    let xq = x;
    let xScale;
    const original = [...qdq.entries()].find(([, dq]) => dq === x);
    if (original) {
      xScale = scaleOf(original[0]);
    } else {
      const made = qdqOf(x, `${id}.input`);
      newNodes.push(...made.nodes);
      xq = made.name;
      xScale = scaleOf(x);
    }
    // Weight: int8, symmetric, per output channel.
    const wt = consts.get(w);
    const dims = dimsOf(wt);
    const weights = floatsOf(wt);
    const channels = dims[0];
    const per = weights.length / channels;
    const wScales = new Float32Array(channels);
    const wq = new Int8Array(weights.length);
    for (let c = 0; c < channels; c++) {
      let maxAbs = 0;
      for (let i = c * per; i < (c + 1) * per; i++) maxAbs = Math.max(maxAbs, Math.abs(weights[i]));
      const scale = maxAbs > 0 ? maxAbs / 127 : 1;
      wScales[c] = scale;
      for (let i = c * per; i < (c + 1) * per; i++) wq[i] = Math.max(-127, Math.min(127, Math.round(weights[i] / scale)));
    }
    dropConstants.add(w);
    initializers.push(
      tensor(`${w}.quantized`, INT8, dims, wq),
      tensor(`${w}.scale`, FLOAT, [channels], wScales),
      tensor(`${w}.zero_point`, INT8, [channels], new Int8Array(channels)),
    );
    const axis = [intAttr("axis", 0)];
    newNodes.push(node("DequantizeLinear", [`${w}.quantized`, `${w}.scale`, `${w}.zero_point`], [`${w}.dequantized`], `${w}.DQ`, axis));
    const inputs = [xq, `${w}.dequantized`];
    if (b) {
      const bias = floatsOf(consts.get(b));
      const bScales = wScales.map((s) => s * xScale);
      const bq = Int32Array.from(bias, (v, c) => Math.round(v / bScales[c]));
      dropConstants.add(b);
      initializers.push(
        tensor(`${b}.quantized`, INT32, [channels], bq),
        tensor(`${b}.scale`, FLOAT, [channels], bScales),
        tensor(`${b}.zero_point`, INT32, [channels], new Int32Array(channels)),
      );
      newNodes.push(node("DequantizeLinear", [`${b}.quantized`, `${b}.scale`, `${b}.zero_point`], [`${b}.dequantized`], `${b}.DQ`, axis));
      inputs.push(`${b}.dequantized`);
    }
    n.input = inputs;
    newNodes.push(n);
    // Output: Q → DQ, and every later reader takes the DQ'd tensor.
    const y = n.output[0];
    const made = qdqOf(y, `${id}.output`);
    newNodes.push(...made.nodes);
    renames.set(y, made.name);
  }
  for (const o of graph.output) if (renames.has(o.name)) throw new Error(`a Conv output is a graph output: ${o.name}`);
  // Constants still read by a node other than a quantized Conv stay.
  const stillRead = new Set(newNodes.filter((n) => n.opType !== "Constant").flatMap((n) => n.input));
  graph.node = newNodes.filter((n) => !(n.opType === "Constant" && dropConstants.has(n.output[0]) && !stillRead.has(n.output[0])));
  graph.initializer.push(...initializers);
  model.opsetImport = model.opsetImport.map((o) => (o.domain === "" || !o.domain ? onnx.OperatorSetIdProto.create({ domain: "", version: 13 }) : o));
  model.producerName = "pagewise scripts/quantize-ppocr-det.js";
  return model;
}

/** Calibration pages as the detector sees them: rendered at 150 dpi, scaled and normalised by its pre-processing. */
async function calibrationInputs(specs, dpi, maxSide) {
  const { openPdf } = require("../packages/pdf/dist");
  const { toModelInput } = require("../packages/detector/dist/preprocess");
  const { parsePageRange } = require("../packages/pipeline/dist");
  const inputs = [];
  for (const spec of specs) {
    const [file, range = "1"] = spec.split(":");
    const doc = await openPdf(new Uint8Array(fs.readFileSync(file)), { maxPages: 5000 });
    try {
      for (const n of parsePageRange(range, doc.numPages)) {
        const page = await doc.renderPage(n, { dpi, maxPixels: 16_000_000 });
        const input = toModelInput(page.image(), maxSide);
        inputs.push({ data: input.data, width: input.width, height: input.height });
        page.release();
      }
    } finally {
      await doc.destroy();
    }
  }
  return inputs;
}

function defaultPages() {
  const corpus = process.env.CORPUS_DIR || path.resolve(__dirname, "../../shared/corpus");
  // None of the pages scripts/quality.js scores (born-digital-pages.js), so the quality check is not tuned to them.
  const pages = ["text-117p-geotopo.pdf:40,80", "text-1370p-lwarp-manual.pdf:500,900", "scanned-book-page.pdf:1", "image-cmyk-jpeg.pdf:1"];
  return pages.map((p) => path.join(corpus, p)).filter((p) => fs.existsSync(p.split(":")[0]));
}

/** The Conv node names a --float list names: names, and ranges `prefix.N-M` of names ending in a number. */
function floatConvs(model, list) {
  const names = new Set(convs(model.graph).map((n) => n.name));
  const out = new Set();
  for (const item of list.split(",").map((s) => s.trim()).filter(Boolean)) {
    const range = /^(.*?)(\d+)-(\d+)$/.exec(item);
    const wanted = range ? Array.from({ length: Number(range[3]) - Number(range[2]) + 1 }, (_, i) => `${range[1]}${Number(range[2]) + i}`) : [item];
    for (const name of wanted) {
      if (!names.has(name)) throw new Error(`--float: no Conv named ${name}`);
      out.add(name);
    }
  }
  return out;
}

/** --calibration's value: undefined for minmax, else the percentile. */
function percentileOf(calibration) {
  if (calibration === "minmax") return undefined;
  const match = /^percentile:(\d+(?:\.\d+)?)$/.exec(calibration);
  if (!match || !(Number(match[1]) > 50 && Number(match[1]) <= 100)) throw new Error(`--calibration: minmax or percentile:P (50 < P <= 100), not ${calibration}`);
  return Number(match[1]);
}

async function buildQuantized({ modelPath, pages, dpi = 150, maxSide = 960, float = DEFAULT_FLOAT, calibration = DEFAULT_CALIBRATION }) {
  const model = onnx.ModelProto.decode(fs.readFileSync(modelPath));
  const keep = floatConvs(model, float);
  const inputs = await calibrationInputs(pages, dpi, maxSide);
  if (inputs.length === 0) throw new Error("no calibration pages");
  const ranges = await calibrate(model, inputs, { percentile: percentileOf(calibration) });
  return onnx.ModelProto.encode(quantize(model, ranges, keep)).finish();
}

async function main() {
  const { ppocrDetModelPath, ppocrDetInt8ModelPath } = require("../packages/detector/dist/model-files");
  const args = process.argv.slice(2);
  const option = (name, fallback) => {
    const arg = args.find((a) => a.startsWith(`--${name}=`));
    return arg === undefined ? fallback : arg.slice(name.length + 3);
  };
  const unknown = args.find((a) => a.startsWith("--") && !/^--(float|calibration)=/.test(a));
  if (unknown) throw new Error(`unknown option ${unknown}`);
  const [out = ppocrDetInt8ModelPath(), ...pages] = args.filter((a) => !a.startsWith("--"));
  const specs = pages.length ? pages : defaultPages();
  const float = option("float", DEFAULT_FLOAT);
  const calibration = option("calibration", DEFAULT_CALIBRATION);
  const bytes = await buildQuantized({
    modelPath: ppocrDetModelPath(),
    pages: specs,
    dpi: Number(process.env.RENDER_DPI || 150),
    maxSide: Number(process.env.DETECTOR_MAX_SIDE || 960),
    float,
    calibration,
  });
  fs.writeFileSync(out, bytes);
  process.stdout.write(`${out}: ${bytes.length} bytes, float Convs: ${float || "none"}, ${calibration}, calibrated on ${specs.join(", ")}\n`);
}

module.exports = { buildQuantized };
if (require.main === module)
  main().catch((error) => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  });
