import { createDetector, detectorIds } from "@pagewise/detector";

describe("detector registry", () => {
  it("lists the known detectors", () => {
    expect(detectorIds).toEqual(["ppocr-det", "ppocr-det-int8", "yolo"]);
  });

  it("creates a known detector without loading it", () => {
    const detector = createDetector("ppocr-det", { threads: 1, maxSide: 960 });
    expect(detector.id).toBe("ppocr-det");
    expect(typeof detector.load).toBe("function");
  });

  it("names the known ids when the id is unknown", () => {
    expect(() => createDetector("detectron2", { threads: 1, maxSide: 960 })).toThrow(/Unknown detector "detectron2".*ppocr-det, ppocr-det-int8, yolo/);
    expect(() => createDetector("toString", { threads: 1, maxSide: 960 })).toThrow(/Unknown detector/);
  });
});
