import { onnx } from "onnx-proto";

const FLOAT = onnx.TensorProto.DataType.FLOAT;

const tensor = (name: string, dims: number[], values: Float32Array) =>
  onnx.TensorProto.create({ name, dataType: FLOAT, dims, floatData: Array.from(values) });

const valueInfo = (name: string, dims: Array<number | string>) =>
  onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });

export interface YoloTestModel {
  /** Input side S of [1, 3, S, S]; a string makes the side dynamic. */
  size: number | string;
  /** The head's output, [1, 4 + classes, anchors] row-major. */
  output: Float32Array;
  classes: number;
  anchors: number;
  /** Added to the output: mask * mean(images), so a cell can report the mean input value. Default zeros. */
  meanMask?: Float32Array;
  /** metadata_props "names", as Ultralytics writes it. */
  names?: string;
}

/**
 * An ONNX model in Ultralytics' I/O format, built from scratch: images [1,3,S,S] → output0 = C + M * mean(images),
 * with C and M constant [1, 4 + nc, N] tensors. Its detections are therefore known exactly.
 */
export function yoloTestModel(spec: YoloTestModel): Uint8Array {
  const dims = [1, 4 + spec.classes, spec.anchors];
  const mask = spec.meanMask ?? new Float32Array(spec.output.length);
  const graph = onnx.GraphProto.create({
    name: "yolo-test",
    node: [
      onnx.NodeProto.create({
        opType: "ReduceMean",
        input: ["images"],
        output: ["mean"],
        attribute: [
          onnx.AttributeProto.create({ name: "axes", type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 2, 3] }),
          onnx.AttributeProto.create({ name: "keepdims", type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
        ],
      }),
      onnx.NodeProto.create({ opType: "Mul", input: ["mask", "mean"], output: ["scaled"] }),
      onnx.NodeProto.create({ opType: "Add", input: ["head", "scaled"], output: ["output0"] }),
    ],
    initializer: [tensor("head", dims, spec.output), tensor("mask", dims, mask)],
    input: [valueInfo("images", [1, 3, spec.size, spec.size])],
    output: [valueInfo("output0", dims)],
  });
  const model = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "pagewise-tests",
    opsetImport: [{ domain: "", version: 13 }],
    graph,
    metadataProps: spec.names === undefined ? [] : [{ key: "names", value: spec.names }, { key: "task", value: "detect" }],
  });
  return onnx.ModelProto.encode(model).finish();
}

/** [1, 4 + classes, anchors] from per-anchor rows [cx, cy, w, h, score0, score1, ...]. */
export function headOutput(anchors: number[][], classes: number): Float32Array {
  const rows = 4 + classes;
  const out = new Float32Array(rows * anchors.length);
  anchors.forEach((a, i) => a.forEach((v, r) => (out[r * anchors.length + i] = v)));
  return out;
}
