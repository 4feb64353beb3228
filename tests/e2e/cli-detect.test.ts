import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pageResultSchema } from "@pagewise/web/api-schemas";
import { headOutput, yoloTestModel } from "../support/onnx-models";
import { corpusFile, repoRoot } from "../support/services";

const run = promisify(execFile);
const cli = path.join(repoRoot, "apps/cli/dist/main.js");

/** The built `pagewise` command, as a user runs it: no Redis, Postgres or S3 involved. */
describe("pagewise (built CLI)", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-cli-"));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it("lists the detector adapters", async () => {
    const { stdout } = await run(process.execPath, [cli, "models"]);
    expect(stdout).toMatch(/^ppocr-det\s/m);
    expect(stdout).toMatch(/^ppocr-det-int8\s/m);
    expect(stdout).toMatch(/^yolo\s/m);
  });

  it("detect --pages 2-3 --ocr writes <name>-<n>.png and the page route's JSON for those pages only", async () => {
    const { stdout } = await run(process.execPath, [cli, "detect", corpusFile("multicolumn-latex.pdf"), "--out", out, "--pages", "2-3", "--dpi", "100", "--ocr"], { cwd: os.tmpdir() });
    expect(stdout).toMatch(/^2 pages, \d+ detections/);
    expect(fs.readdirSync(out).sort()).toEqual(["multicolumn-latex-2.json", "multicolumn-latex-2.png", "multicolumn-latex-3.json", "multicolumn-latex-3.png"]);
    for (const n of [2, 3]) {
      const json = JSON.parse(fs.readFileSync(path.join(out, `multicolumn-latex-${n}.json`), "utf8"));
      const result = pageResultSchema.parse(json);
      expect(result.number).toBe(n);
      expect(result.scale).toBeCloseTo(100 / 72, 6);
      expect(json).toMatchObject({ pointsPerPixel: 1 / result.scale, imageUrl: `multicolumn-latex-${n}.png`, jsonUrl: `multicolumn-latex-${n}.json` });
      expect(result.detections.length).toBeGreaterThan(10);
      for (const d of result.detections) {
        expect(d.pdf?.box).toHaveLength(4);
        expect(typeof d.text).toBe("string");
      }
      // Lorem ipsum: the recogniser reads it.
      expect(result.detections.map((d) => d.text).join(" ")).toMatch(/[a-z]{4,}/);
      const png = fs.readFileSync(path.join(out, `multicolumn-latex-${n}.png`));
      expect(png.subarray(1, 4).toString()).toBe("PNG");
    }
  });

  it("fails with one clear line on a bad page range", async () => {
    await expect(run(process.execPath, [cli, "detect", corpusFile("text-1p-pdflatex.pdf"), "--out", out, "--pages", "5"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^pagewise: page 5 is past the last page \(1\)\n$/),
    });
  });

  it("detect --iou reaches the yolo adapter's NMS (the worker's YOLO_IOU, through the same mapping)", async () => {
    // Two text boxes of one class with an IoU of ~0.85: NMS at the default 0.45 keeps one, at --iou 0.9 both.
    const anchors = [
      [100, 100, 50, 20, 0.9],
      [102, 101, 50, 20, 0.8],
    ];
    const model = path.join(out, "two-boxes.onnx");
    fs.writeFileSync(model, yoloTestModel({ size: 640, output: headOutput(anchors, 1), classes: 1, anchors: 2, names: "{0: 'text'}" }));
    const detections = async (...flags: string[]) => {
      const dir = fs.mkdtempSync(path.join(out, "iou-"));
      await run(process.execPath, [cli, "detect", corpusFile("text-1p-pdflatex.pdf"), "--out", dir, "--dpi", "36", "-m", "yolo", "--model-path", model, ...flags]);
      return (JSON.parse(fs.readFileSync(path.join(dir, "text-1p-pdflatex-1.json"), "utf8")) as { detections: unknown[] }).detections.length;
    };
    expect(await detections()).toBe(1);
    expect(await detections("--iou", "0.9")).toBe(2);
    await expect(run(process.execPath, [cli, "detect", corpusFile("text-1p-pdflatex.pdf"), "--out", out, "--iou", "2"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/--iou.*expected a number from 0 to 1/),
    });
  });
});
