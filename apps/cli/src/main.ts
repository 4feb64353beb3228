#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_MAX_IMAGE_PIXELS } from "@pagewise/core";
import { detectorDescriptions, detectorIds } from "@pagewise/detector";
import { detectCommand } from "./detect";
import { detectorDefaults } from "./detector-flags";

const number = (min: number, max = Infinity) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new InvalidArgumentError(`expected a number from ${min}${max < Infinity ? ` to ${max}` : ""}`);
  return n;
};

const program = new Command()
  .name("pagewise")
  .description("Render PDF pages or images, detect (text lines, layout), optionally read the text; no server needed.")
  .showHelpAfterError();

program
  .command("detect")
  .description("run a detector over a PDF's pages (or an image's: PNG, JPEG, WebP, TIFF frames); writes <name>-<n>.png (annotated) and <name>-<n>.json per page")
  .argument("<file>", "the PDF or image")
  .requiredOption("-o, --out <dir>", "output folder (created if missing)")
  .addOption(new Option("-m, --model <id>", "detector adapter").choices([...detectorIds]).default(detectorDefaults.DETECTOR_MODEL))
  .option("--model-path <file.onnx>", "model file for adapters that take one (yolo)", process.env.YOLO_MODEL_PATH)
  .option("--labels <file>", "class names for yolo, overriding the model's metadata", process.env.YOLO_LABELS_PATH)
  .option("--confidence <score>", "yolo: minimum class score", number(0, 1), detectorDefaults.YOLO_CONFIDENCE)
  .option("--iou <iou>", "yolo: the IoU above which class-aware NMS drops a box", number(0, 1), detectorDefaults.YOLO_IOU)
  .option("-p, --pages <range>", 'pages to process, e.g. "1-5", "3,7-9", "10-" (default: all)')
  .option("--dpi <dpi>", "render resolution", number(18, 1200), 150)
  .option("--max-side <px>", "ppocr-det: long side of the detector input", number(32), detectorDefaults.DETECTOR_MAX_SIDE)
  .option("--max-pixels <n>", "render at a lower scale when a page raster would exceed this many pixels", number(10_000), 16_000_000)
  .option("--max-image-pixels <n>", "refuse an image (or TIFF frame) declaring more pixels, before decoding it", number(10_000), DEFAULT_MAX_IMAGE_PIXELS)
  .option("--threads <n>", "onnxruntime intra-op threads", number(1, 64), detectorDefaults.DETECTOR_THREADS)
  .option("--ocr", "recognise the text of each text detection (PP-OCRv4 rec)", false)
  .option("--no-progress", "no progress bar")
  .action(async (file: string, options) => {
    const summary = await detectCommand(file, { ...options, progress: options.progress && process.stderr.isTTY === true });
    process.stdout.write(`${summary.pages} pages, ${summary.detections} detections → ${options.out}\n`);
  });

program
  .command("models")
  .description("list the detector adapters")
  .action(() => {
    for (const id of detectorIds) process.stdout.write(`${id.padEnd(12)} ${detectorDescriptions[id] ?? ""}\n`);
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`pagewise: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
