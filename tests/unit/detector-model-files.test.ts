import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { checkDetectorConfig, detectorModelFiles, notAnOnnxModel, ppocrDetModelPath } from "@pagewise/detector/model-files";
import { detectorIds } from "@pagewise/detector";
import { headOutput, yoloTestModel } from "../support/onnx-models";

describe("the worker's start-up checks of its detector (no model is loaded)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-model-check-"));
  const write = (name: string, bytes: Uint8Array | string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, bytes);
    return file;
  };
  const yolo = yoloTestModel({ size: 64, output: headOutput([[10, 10, 4, 4, 0.9]], 1), classes: 1, anchors: 1, names: "{0: 'text'}" });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("has a model file line for every registered detector", () => {
    expect(Object.keys(detectorModelFiles).sort()).toEqual([...detectorIds].sort());
  });

  it("recognises ONNX models by their top-level protobuf fields", async () => {
    expect(await notAnOnnxModel(ppocrDetModelPath())).toBeUndefined();
    expect(await notAnOnnxModel(write("yolo.onnx", yolo))).toBeUndefined();
  });

  it("says why other files are not models", async () => {
    expect(await notAnOnnxModel(write("text.onnx", "this is not a model, only some text\n"))).toMatch(/not an ONNX ModelProto field/);
    expect(await notAnOnnxModel(write("doc.onnx", "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"))).toMatch(/not an ONNX ModelProto field/);
    expect(await notAnOnnxModel(write("photo.onnx", Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46])))).toMatch(/not an ONNX/);
    expect(await notAnOnnxModel(write("empty.onnx", ""))).toMatch(/0 bytes/);
    expect(await notAnOnnxModel(write("cut.onnx", yolo.subarray(0, Math.floor(yolo.length / 2))))).toMatch(/truncated/);
    // field 1 (ir_version) alone: protobuf, but no graph
    expect(await notAnOnnxModel(write("no-graph.onnx", Buffer.from([0x08, 0x07, 0x12, 0x04, 0x61, 0x62, 0x63, 0x64])))).toMatch(/no graph/);
  });

  it("accepts the default configuration and a yolo model file", async () => {
    await expect(checkDetectorConfig("ppocr-det", {})).resolves.toBeUndefined();
    await expect(checkDetectorConfig("yolo", { modelPath: write("ok.onnx", yolo) })).resolves.toBeUndefined();
  });

  it("refuses, in one line that says what to fix, an unknown id, a missing or non-ONNX model and a missing labels file", async () => {
    await expect(checkDetectorConfig("yolov99", {})).rejects.toThrow(/^DETECTOR_MODEL "yolov99" is not a registered detector; known: ppocr-det, ppocr-det-int8, yolo$/);
    await expect(checkDetectorConfig("toString", {})).rejects.toThrow(/not a registered detector/);
    await expect(checkDetectorConfig("yolo", {})).rejects.toThrow(/^the yolo detector needs a model file: set YOLO_MODEL_PATH$/);
    await expect(checkDetectorConfig("yolo", { modelPath: path.join(dir, "nope.onnx") })).rejects.toThrow(/model file does not exist: YOLO_MODEL_PATH=.*nope\.onnx$/);
    await expect(checkDetectorConfig("yolo", { modelPath: dir })).rejects.toThrow(/is not a file/);
    await expect(checkDetectorConfig("yolo", { modelPath: write("notes.txt", "hello") })).rejects.toThrow(/is not an ONNX model \(.*\): YOLO_MODEL_PATH=/);
    await expect(checkDetectorConfig("yolo", { modelPath: write("ok2.onnx", yolo), labelsPath: path.join(dir, "none.txt") })).rejects.toThrow(
      /labels file cannot be read: YOLO_LABELS_PATH=/,
    );
  });
});
