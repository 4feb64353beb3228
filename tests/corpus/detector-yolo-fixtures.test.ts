import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { RgbaImage } from "@pagewise/core";
import { createDetector, type Detector } from "@pagewise/detector";
import { openPdf } from "@pagewise/pdf";
import { headOutput, yoloTestModel } from "../support/onnx-models";
import { corpusDir } from "../support/services";

/**
 * The yolo adapter through onnxruntime-node with ONNX models built in this test (tests/support/onnx-models.ts):
 * their outputs are constants (plus the input's mean where asked), so every expected detection is known exactly.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-yolo-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let n = 0;
function writeModel(bytes: Uint8Array): string {
  const file = path.join(dir, `model-${n++}.onnx`);
  fs.writeFileSync(file, bytes);
  return file;
}

const white = (width: number, height: number, value = 255): RgbaImage => {
  const data = new Uint8ClampedArray(width * height * 4).fill(value);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, data };
};

async function withDetector<T>(options: { modelPath: string; labelsPath?: string; confidence?: number }, run: (d: Detector) => Promise<T>): Promise<T> {
  const detector = createDetector("yolo", { threads: 1, maxSide: 960, ...options });
  try {
    return await run(detector);
  } finally {
    await detector.dispose();
  }
}

const NAMES = "{0: 'text', 1: 'title'}";

describe("yolo adapter on generated Ultralytics-format models", () => {
  // Anchors: [cx, cy, w, h, score text, score title] in model-input pixels of a 640 x 640 input.
  const anchors = [
    [100, 100, 50, 20, 0.9, 0.1], // text, kept
    [102, 101, 50, 20, 0.8, 0.05], // text, IoU ~0.85 with the first: suppressed by NMS
    [100, 100, 50, 20, 0.1, 0.7], // title on the same spot: another class, kept (class-aware NMS)
    [400, 300, 80, 40, 0.2, 0.24], // best score 0.24 < 0.25: dropped
    [500, 500, 40, 40, 0.3, 0.0], // text, kept
  ];
  const model = () => writeModel(yoloTestModel({ size: 640, output: headOutput(anchors, 2), classes: 2, anchors: anchors.length, names: NAMES }));

  it("decodes cx,cy,w,h + class scores, thresholds at 0.25, runs class-aware NMS, names from the metadata", async () => {
    const detections = await withDetector({ modelPath: model() }, (d) => d.detect(white(640, 640)));
    expect(detections.map((d) => [d.label, d.box, Number(d.score.toFixed(4))])).toEqual([
      ["text", [75, 90, 125, 110], 0.9],
      ["title", [75, 90, 125, 110], 0.7],
      ["text", [480, 480, 520, 520], 0.3],
    ]);
    expect(detections[0].polygon).toEqual([[75, 90], [125, 90], [125, 110], [75, 110]]);
  });

  it("honours the confidence setting", async () => {
    const detections = await withDetector({ modelPath: model(), confidence: 0.5 }, (d) => d.detect(white(640, 640)));
    expect(detections.map((d) => d.label)).toEqual(["text", "title"]);
  });

  it("maps boxes back through the letterbox (scale 0.5, 160 px of padding above and below)", async () => {
    const box = [[320, 320, 100, 50, 0.9, 0]];
    const modelPath = writeModel(yoloTestModel({ size: 640, output: headOutput(box, 2), classes: 2, anchors: 1, names: NAMES }));
    const [detection] = await withDetector({ modelPath }, (d) => d.detect(white(1280, 640)));
    // x: (270..370) / 0.5; y: (295 - 160 .. 345 - 160) / 0.5
    expect(detection.box).toEqual([540, 270, 740, 370]);
  });

  it("feeds RGB / 255 with gray 114 letterbox padding (the model reports the input's mean as a score)", async () => {
    const box = [[320, 320, 100, 50, 0, 0]];
    const meanMask = headOutput([[0, 0, 0, 0, 1, 0]], 2);
    const modelPath = writeModel(yoloTestModel({ size: 640, output: headOutput(box, 2), classes: 2, anchors: 1, names: NAMES, meanMask }));
    await withDetector({ modelPath }, async (d) => {
      // A white 1280 x 640 page fills half the square; the other half is padding at 114/255. onnxruntime's
      // ReduceMean sums 1.2 M values in float32 (measured 7e-4 off); padding 113 or 115 would be 2e-3 off.
      const [onWhite] = await d.detect(white(1280, 640));
      expect(Math.abs(onWhite.score - (0.5 + (0.5 * 114) / 255))).toBeLessThan(1e-3);
      // A black page: mean = 0.5 * 114/255 = 0.2235, under the 0.25 threshold.
      expect(await d.detect(white(1280, 640, 0))).toEqual([]);
      // A square page has no padding: mean 1.
      expect(Math.abs((await d.detect(white(320, 320)))[0].score - 1)).toBeLessThan(1e-3);
    });
  });

  it("takes class names from a labels file over the metadata, and falls back to class_<id>", async () => {
    const labelsPath = path.join(dir, "labels.txt");
    fs.writeFileSync(labelsPath, "paragraph\nheading\n");
    const withLabels = await withDetector({ modelPath: model(), labelsPath }, (d) => d.detect(white(640, 640)));
    expect(withLabels.map((d) => d.label)).toEqual(["paragraph", "heading", "paragraph"]);
    const bare = writeModel(yoloTestModel({ size: 640, output: headOutput(anchors, 2), classes: 2, anchors: anchors.length }));
    const unnamed = await withDetector({ modelPath: bare }, (d) => d.detect(white(640, 640)));
    expect(unnamed.map((d) => d.label)).toEqual(["class_0", "class_1", "class_0"]);
  });

  it("uses 640 when the model's input side is dynamic, and says which setting is missing without a model", async () => {
    const modelPath = writeModel(yoloTestModel({ size: "side", output: headOutput([[320, 320, 64, 64, 0.9, 0]], 2), classes: 2, anchors: 1, names: NAMES }));
    const [detection] = await withDetector({ modelPath }, (d) => d.detect(white(1280, 1280)));
    expect(detection.box).toEqual([576, 576, 704, 704]);
    await expect(withDetector({ modelPath: "" }, (d) => d.load())).rejects.toThrow(/YOLO_MODEL_PATH/);
  });

  it("runs on a rendered corpus page and keeps its boxes on the page", async () => {
    const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, "text-1p-pdflatex.pdf"))), { maxPages: 10 });
    try {
      const page = await doc.renderPage(1, { dpi: 150, maxPixels: 20_000_000 });
      // 1240 x 1754 px into 640: ratio 640/1754, width 452 px, padX = round(94 - 0.1) = 94.
      const ratio = 640 / 1754;
      const anchors = [
        [320, 320, 200, 100, 0.9, 0], // model box 220..420 x 270..370
        [200, 60, 40, 40, 0, 0.8], // model box 180..220 x 40..80
        [30, 320, 40, 40, 0.9, 0], // entirely in the left padding (x 10..50 < 94): nothing on the page, dropped
      ];
      const modelPath = writeModel(yoloTestModel({ size: 640, output: headOutput(anchors, 2), classes: 2, anchors: 3, names: NAMES }));
      const detections = await withDetector({ modelPath }, (d) => d.detect(page.image()));
      const expected = [
        ["text", [220, 270, 420, 370]],
        ["title", [180, 40, 220, 80]],
      ] as const;
      expect(detections.map((d) => d.label)).toEqual(expected.map((e) => e[0]));
      detections.forEach((d, i) => {
        const [x0, y0, x1, y1] = expected[i][1];
        const want = [(x0 - 94) / ratio, y0 / ratio, (x1 - 94) / ratio, y1 / ratio];
        d.box.forEach((v, k) => expect(Math.abs(v - want[k])).toBeLessThanOrEqual(0.01));
        expect(d.box[2]).toBeLessThanOrEqual(page.width);
        expect(d.box[3]).toBeLessThanOrEqual(page.height);
      });
    } finally {
      await doc.destroy();
    }
  });
});
