#!/usr/bin/env node
// OCR character accuracy (PP-OCRv4 rec on the detector's lines) against the PDF's own text layer, on the corpus's
// born-digital pages.
//   npm run ocr-accuracy                (builds first; or: node scripts/ocr-accuracy.js after npm run build)
//   DETECTOR_MODEL=ppocr-det npm run ocr-accuracy    (the lines of the float model; the detector's settings are the
//   worker's: DETECTOR_MODEL, DETECTOR_THREADS, DETECTOR_MAX_SIDE)
// Each detection is paired with the text items whose centre lies in it, left to right (packages/pipeline
// ocr-evaluation.ts; detections whose items stick out of them are skipped). Accuracy = (n - edit distance) / n
// summed over all pairs, n = reference characters, whitespace dropped and NFKC-folded on both sides.
const fs = require("node:fs");
const path = require("node:path");
const { detectorEnvSchema, detectorOptionsFrom, parseEnv } = require("../packages/config/dist");
const { createDetector, PpocrRecognizer } = require("../packages/detector/dist");
const { openPdf } = require("../packages/pdf/dist");
const { characterAccuracy, ocrPairs, parsePageRange, processPage } = require("../packages/pipeline/dist");
const { bornDigital, corpusDir } = require("./born-digital-pages");

async function main() {
  const dpi = Number(process.env.RENDER_DPI || 150);
  const settings = parseEnv(detectorEnvSchema, process.env);
  const detector = createDetector(settings.DETECTOR_MODEL, detectorOptionsFrom(settings));
  const recognizer = new PpocrRecognizer(settings.DETECTOR_THREADS);
  await detector.load();
  await recognizer.load();
  const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : "–");
  const total = { characters: 0, errors: 0, lines: 0, layer: 0 };
  const worst = [];
  console.log(`PP-OCRv4 rec on ${settings.DETECTOR_MODEL} lines, ${dpi} dpi\n`);
  console.log("file".padEnd(36), "lines".padStart(6), "chars".padStart(7), "coverage".padStart(9), "accuracy".padStart(9));
  for (const [file, range] of bornDigital) {
    const doc = await openPdf(new Uint8Array(fs.readFileSync(path.join(corpusDir, file))), { maxPages: 5000 });
    const sum = { characters: 0, errors: 0, lines: 0, layer: 0 };
    try {
      for (const n of parsePageRange(range, doc.numPages)) {
        const { result } = await processPage(doc, { number: n, limits: { dpi, maxPixels: 16_000_000 }, detector, recognizer });
        const items = await doc.textBoxes(n, result.scale);
        sum.layer += items.reduce((s, t) => s + t.text.replace(/\s+/g, "").length, 0);
        for (const pair of ocrPairs(result.detections, items)) {
          const { characters, errors } = characterAccuracy(pair.reference, pair.recognised);
          sum.characters += characters;
          sum.errors += errors;
          sum.lines += 1;
          if (characters >= 10 && errors / characters > 0.3) worst.push(`${file} p${n}: "${pair.reference}" → "${pair.recognised}"`);
        }
      }
    } finally {
      await doc.destroy();
    }
    for (const k of Object.keys(sum)) total[k] += sum[k];
    console.log(file.padEnd(36), String(sum.lines).padStart(6), String(sum.characters).padStart(7), pct(sum.characters, sum.layer).padStart(9), pct(sum.characters - sum.errors, sum.characters).padStart(9));
  }
  console.log("all".padEnd(36), String(total.lines).padStart(6), String(total.characters).padStart(7), pct(total.characters, total.layer).padStart(9), pct(total.characters - total.errors, total.characters).padStart(9));
  if (process.env.SHOW_WORST) console.log(`\nlines under 70 %:\n${worst.join("\n")}`);
  await recognizer.dispose();
  await detector.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
