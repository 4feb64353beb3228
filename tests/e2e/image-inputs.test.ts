import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { pageResultSchema } from "@pagewise/web/api-schemas";
import { repoRoot, waitForJob } from "../support/services";
import { startStack, type Stack } from "../support/stack";
import { makeG4Tiff, makePng, pngBomb, scannedPage } from "../support/test-images";

const run = promisify(execFile);

type Doc = {
  status: string;
  pageCount: number;
  error: { code: string } | null;
  pages: Array<{ number: number; width: number; height: number; scale: number; detections: number; imageUrl: string; jsonUrl: string }>;
};

/**
 * Images as documents, end to end: the compiled web and worker, real PostgreSQL, Redis and an S3 server; images the
 * test makes uploaded over HTTP; each image (each TIFF frame) a page, results in the image's pixels.
 */
describe("image uploads (real processes, S3)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("images", { MAX_IMAGE_PIXELS: "50000000" });
    await Promise.all([stack.startWeb(), stack.startWorker()]);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  async function processed(bytes: Buffer, filename: string): Promise<Doc & { id: string }> {
    const { status, body } = await stack.uploadBytes(bytes, filename);
    expect(status).toBe(202);
    const id = body.id as string;
    await waitForJob(stack.prefix, id, 120_000);
    return { ...(await stack.get<Doc>(`/api/documents/${id}`)), id };
  }

  it.each(["png", "jpeg", "webp"] as const)("processes a printed page as a %s: one page in the image's pixels, its text lines found, their PDF points in image pixels", async (format) => {
    const image = await scannedPage("text-1p-pdflatex.pdf", format);
    const { width, height } = await sharp(image).metadata();
    const doc = await processed(image, `page.${format}`);
    expect({ status: doc.status, pageCount: doc.pageCount, error: doc.error }).toEqual({ status: "succeeded", pageCount: 1, error: null });
    const [page] = doc.pages;
    expect({ width: page!.width, height: page!.height, scale: page!.scale }).toEqual({ width, height, scale: 1 });
    const png = Buffer.from(await (await fetch(page!.imageUrl)).arrayBuffer());
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([width, height]);
    const result = pageResultSchema.parse(await stack.get(page!.jsonUrl));
    expect(result.detections.length).toBeGreaterThan(5);
    for (const d of result.detections) {
      // One image pixel per point, y up: the box's PDF points are its pixels flipped on the image's height.
      expect(d.pdf!.box[0]).toBeCloseTo(d.box[0], 3);
      expect(d.pdf!.box[1]).toBeCloseTo(height - d.box[3], 3);
      expect(d.pdf!.box[3]).toBeCloseTo(height - d.box[1], 3);
    }
  }, 150_000);

  it("processes each frame of a multi-page bitonal CCITT G4 TIFF scan as a page, with its text lines found", async () => {
    // Pages 1-3 of a two-column LaTeX article, thresholded to black and white as a scanner would.
    const doc = await processed(await scannedPage("multicolumn-latex.pdf", "tiff", 150, [1, 2, 3]), "scan.tiff");
    expect({ status: doc.status, pageCount: doc.pageCount }).toEqual({ status: "succeeded", pageCount: 3 });
    const [first] = doc.pages;
    expect(doc.pages.map((p) => [p.number, p.width, p.height])).toEqual([1, 2, 3].map((n) => [n, first!.width, first!.height]));
    expect(doc.pages.map((p) => p.detections > 5)).toEqual([true, true, true]);
  }, 150_000);

  it("fails a decompression bomb with image_too_large from its header (MAX_IMAGE_PIXELS), and keeps serving", async () => {
    const doc = await processed(pngBomb(10_000, 10_000), "bomb.png");
    expect({ status: doc.status, error: doc.error?.code }).toEqual({ status: "failed", error: "image_too_large" });
    const next = await processed(await makePng(300, 200), "after.png");
    expect(next.status).toBe("succeeded");
  }, 150_000);

  it("fails a truncated image with image_corrupt without crashing the compute child, and keeps serving", async () => {
    const png = await makePng(640, 480);
    const doc = await processed(png.subarray(0, 60), "cut.png");
    expect({ status: doc.status, error: doc.error?.code }).toEqual({ status: "failed", error: "image_corrupt" });
    expect((await processed(png, "whole.png")).status).toBe("succeeded");
  }, 150_000);

  it("refuses a GIF at upload with 415 not_pdf", async () => {
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1");
    const { status, body } = await stack.uploadBytes(gif, "x.gif");
    expect([status, (body.error as { code: string }).code]).toEqual([415, "not_pdf"]);
  });
});

describe("pagewise detect on images (built CLI)", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-cli-img-"));
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it("writes <name>-<n>.png and .json per TIFF frame, told a TIFF by its bytes", async () => {
    const input = path.join(out, "scan.tif");
    fs.writeFileSync(input, await makeG4Tiff(640, 800, 2));
    const { stdout } = await run(process.execPath, [path.join(repoRoot, "apps/cli/dist/main.js"), "detect", input, "--out", out, "--no-progress"]);
    expect(stdout).toMatch(/^2 pages, \d+ detections/);
    for (const n of [1, 2]) {
      const result = pageResultSchema.parse(JSON.parse(fs.readFileSync(path.join(out, `scan-${n}.json`), "utf8")));
      expect([result.number, result.width, result.height, result.scale]).toEqual([n, 640, 800, 1]);
    }
  }, 60_000);
});
