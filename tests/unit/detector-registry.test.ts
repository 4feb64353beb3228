import { createDetector, detectorIds } from "@pagewise/detector";

describe("detector registry", () => {
  it("lists the known detectors", () => {
    expect(detectorIds).toEqual(["ppocr-det"]);
  });

  it("creates a known detector without loading it", () => {
    const detector = createDetector("ppocr-det", { threads: 1, maxSide: 960 });
    expect(detector.id).toBe("ppocr-det");
    expect(typeof detector.load).toBe("function");
  });

  it("names the known ids when the id is unknown", () => {
    expect(() => createDetector("yolo", { threads: 1, maxSide: 960 })).toThrow(/Unknown detector "yolo".*ppocr-det/);
    expect(() => createDetector("toString", { threads: 1, maxSide: 960 })).toThrow(/Unknown detector/);
  });
});
