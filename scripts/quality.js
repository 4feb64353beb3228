#!/usr/bin/env node
// Text-line detection quality against the PDF's own text layer, on the corpus's born-digital pages.
//   npm run quality                     (builds first; or: node scripts/quality.js after npm run build)
//   DETECTOR_MODEL=ppocr-det RENDER_DPI=150 DETECTOR_MAX_SIDE=960 node scripts/quality.js   (the float model;
//   the detector's settings are the worker's: DETECTOR_MODEL, DETECTOR_THREADS, DETECTOR_MAX_SIDE, YOLO_*)
// Matching rule (packages/pipeline/src/text-layer-match.ts, the same as tests/corpus/detector-corpus-fixtures):
// recall = text items whose centre lies inside a detection / text items; precision = detections overlapping a
// text item / detections. Text items = those holding a letter or digit (scripts/born-digital-pages.js). Totals are
// micro-averaged over all pages.
const fs = require("node:fs");
const path = require("node:path");
const { detectorEnvSchema, detectorOptionsFrom, parseEnv } = require("../packages/config/dist");
const { createDetector } = require("../packages/detector/dist");
const { openPdf } = require("../packages/pdf/dist");
const { matchTextLayer, parsePageRange } = require("../packages/pipeline/dist");
const { bornDigital, corpusDir, isWordItem } = require("./born-digital-pages");

async function main() {
  const dpi = Number(process.env.RENDER_DPI || 150);
  // The detector's settings as the worker reads them (same schema, same defaults).
  const settings = parseEnv(detectorEnvSchema, process.env);
  const model = settings.DETECTOR_MODEL;
  const maxSide = settings.DETECTOR_MAX_SIDE;
  const detector = createDetector(model, detectorOptionsFrom(settings));
  await detector.load();
  const total = { textItems: 0, textItemsFound: 0, detections: 0, detectionsOnText: 0, pages: 0 };
  const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : "–");
  console.log(`detector ${model}, ${dpi} dpi, max side ${maxSide}\n`);
  console.log("file".padEnd(36), "pages".padStart(5), "items".padStart(6), "recall".padStart(7), "dets".padStart(6), "precision".padStart(9));
  for (const [file, range] of bornDigital) {
    const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, file))), { maxPages: 5000 });
    const sum = { textItems: 0, textItemsFound: 0, detections: 0, detectionsOnText: 0, pages: 0 };
    try {
      for (const n of parsePageRange(range, doc.numPages)) {
        const page = await doc.renderPage(n, { dpi, maxPixels: 16_000_000 });
        const boxes = (await detector.detect(page.image())).map((d) => d.box);
        const text = (await doc.textBoxes(n, page.scale)).filter(isWordItem).map((t) => t.box);
        const counts = matchTextLayer(boxes, text);
        for (const k of Object.keys(counts)) sum[k] += counts[k];
        sum.pages += 1;
      }
    } finally {
      await doc.destroy();
    }
    for (const k of Object.keys(sum)) total[k] += sum[k];
    console.log(file.padEnd(36), String(sum.pages).padStart(5), String(sum.textItems).padStart(6), pct(sum.textItemsFound, sum.textItems).padStart(7), String(sum.detections).padStart(6), pct(sum.detectionsOnText, sum.detections).padStart(9));
  }
  console.log("all".padEnd(36), String(total.pages).padStart(5), String(total.textItems).padStart(6), pct(total.textItemsFound, total.textItems).padStart(7), String(total.detections).padStart(6), pct(total.detectionsOnText, total.detections).padStart(9));
  await detector.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
