// The corpus's born-digital pages (a text layer to compare with), shared by scripts/quality.js and
// scripts/ocr-accuracy.js: every page of the small files, ten pages of each long one.
const path = require("node:path");

const corpusDir = process.env.CORPUS_DIR || path.resolve(__dirname, "../../shared/corpus");

/** [file, pages] — pages: a range for parsePageRange. */
const bornDigital = [
  ["text-1p-pdflatex.pdf", "1"],
  ["text-117p-geotopo.pdf", "1-10"],
  ["text-1370p-lwarp-manual.pdf", "100-109"],
  ["multicolumn-latex.pdf", "1-3"],
  ["slides-beamer-conference-talk.pdf", "1-31"],
  ["form-libreoffice-acroform.pdf", "1"],
  ["image-google-doc.pdf", "1"],
  ["nonlatin-chinese.pdf", "1"],
  ["rotated-arabic-4p.pdf", "1-4"],
  ["encrypted-owner-password-only.pdf", "1"],
];

/**
 * Text items that hold a letter or a digit: what a text-line detector is asked to find. Punctuation-only items
 * (a table of contents' dot leaders are one item per dot) are not counted as text to find.
 */
const isWordItem = (item) => /[\p{L}\p{N}]/u.test(item.text);

module.exports = { corpusDir, bornDigital, isWordItem };
