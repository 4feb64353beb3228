import { availableParallelism } from "node:os";
import { ConfigError, detectorEnvSchema, detectorOptionsFrom, parseEnv, workerEnvSchema } from "@pagewise/config";
import { detectorIds } from "@pagewise/core";
import { detectorFlags, detectorFromFlags } from "@pagewise/cli/detector-flags";
import { registry } from "../../packages/detector/src/registry";
import { detectorModelFiles } from "@pagewise/detector/model-files";

describe("detector settings: one path from configuration to the adapter's options", () => {
  it("maps the worker's environment to DetectorOptions", () => {
    const env = parseEnv(workerEnvSchema, {
      DETECTOR_MODEL: "yolo",
      DETECTOR_THREADS: "2",
      DETECTOR_MAX_SIDE: "640",
      YOLO_MODEL_PATH: "/models/layout.onnx",
      YOLO_LABELS_PATH: "/models/labels.txt",
      YOLO_CONFIDENCE: "0.4",
      YOLO_IOU: "0.6",
    });
    expect(env.DETECTOR_MODEL).toBe("yolo");
    expect(detectorOptionsFrom(env)).toEqual({
      threads: 2,
      maxSide: 640,
      modelPath: "/models/layout.onnx",
      labelsPath: "/models/labels.txt",
      confidence: 0.4,
      iou: 0.6,
    });
  });

  it("gives every setting its default: the INT8 model, two threads where two cores may be used", () => {
    const env = parseEnv(workerEnvSchema, {});
    expect(env.DETECTOR_MODEL).toBe("ppocr-det-int8");
    expect(detectorOptionsFrom(env)).toEqual({
      threads: Math.min(2, availableParallelism()),
      maxSide: 960,
      modelPath: undefined,
      labelsPath: undefined,
      confidence: 0.25,
      iou: 0.45,
    });
  });

  it("refuses an unknown DETECTOR_MODEL at start, naming the known ids, without loading an adapter", () => {
    expect(() => parseEnv(workerEnvSchema, { DETECTOR_MODEL: "yolov99" })).toThrow(ConfigError);
    expect(() => parseEnv(workerEnvSchema, { DETECTOR_MODEL: "yolov99" })).toThrow(
      /^Invalid configuration: DETECTOR_MODEL "yolov99" is not a registered detector; known: ppocr-det, ppocr-det-int8, yolo$/,
    );
    expect(() => parseEnv(workerEnvSchema, { DETECTOR_MODEL: "toString" })).toThrow(/DETECTOR_MODEL "toString" is not a registered detector/);
  });

  it("has one registry line and one model-file line for each id in the light list", () => {
    expect(Object.keys(registry)).toEqual([...detectorIds]);
    expect(Object.keys(detectorModelFiles)).toEqual([...detectorIds]);
  });

  it("gives the CLI a flag for every detector setting, read through the same mapping", () => {
    expect(Object.keys(detectorFlags).sort()).toEqual(Object.keys(detectorEnvSchema.shape).sort());
    const { id, options } = detectorFromFlags({ model: "yolo", modelPath: "m.onnx", labels: "l.txt", threads: 3, maxSide: 320, confidence: 0.5, iou: 0.3 });
    expect(id).toBe("yolo");
    expect(options).toEqual({ threads: 3, maxSide: 320, modelPath: "m.onnx", labelsPath: "l.txt", confidence: 0.5, iou: 0.3 });
    expect(detectorFromFlags({}).options).toEqual(detectorOptionsFrom(parseEnv(workerEnvSchema, {})));
  });
});
