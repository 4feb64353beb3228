#!/usr/bin/env node
// Generated hostile PDFs for memory and time tests (issue 15): the classes of real documents that took a worker
// past its memory, written here from scratch so that nothing large is committed. Usage:
//
//   node scripts/hostile-pdfs.js OUTDIR [name ...]      (no names: every case; `--list` prints them)
//
// The files go to OUTDIR (a temp dir or the git-ignored `hostile-pdfs/`); each case is written once and kept
// while its file exists. Cases marked `slow` are for the memory sweep (`npm run bench:memory`), not for tests.
const fs = require("node:fs");
const path = require("node:path");
const zlib = require("node:zlib");

/** A PDF written object by object straight to a file: a 5,000-page or 95 MB document never sits in memory. */
class PdfWriter {
  constructor(file) {
    this.fd = fs.openSync(file, "w");
    this.position = 0;
    this.offsets = [0];
    this.write("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1");
  }

  write(data, encoding) {
    const buffer = Buffer.isBuffer(data) ? data : Buffer.from(data, encoding ?? "latin1");
    fs.writeSync(this.fd, buffer);
    this.position += buffer.length;
  }

  /** Reserves an object number (to reference it before it is written). */
  ref() {
    this.offsets.push(0);
    return this.offsets.length - 1;
  }

  /** Writes object `num`: a dictionary or array source, optionally with a stream (its /Length is added). */
  object(num, body, stream) {
    this.offsets[num] = this.position;
    if (stream === undefined) {
      this.write(`${num} 0 obj\n${body}\nendobj\n`);
      return num;
    }
    const data = Buffer.isBuffer(stream) ? stream : Buffer.from(stream, "latin1");
    this.write(`${num} 0 obj\n<<${body} /Length ${data.length}>>\nstream\n`);
    this.write(data);
    this.write("\nendstream\nendobj\n");
    return num;
  }

  add(body, stream) {
    return this.object(this.ref(), body, stream);
  }

  /** A balanced page tree over `pageRefs` (kids of at most 64), then the catalog, xref and trailer. */
  finish(pageRefs, pagesRef = this.ref()) {
    const build = (refs, parent, self) => {
      if (refs.length <= 64) {
        this.object(self, `<< /Type /Pages ${parent ? `/Parent ${parent} 0 R ` : ""}/Kids [${refs.map((r) => `${r} 0 R`).join(" ")}] /Count ${refs.length} >>`);
        return;
      }
      const size = Math.ceil(refs.length / 64);
      const groups = [];
      for (let i = 0; i < refs.length; i += size) groups.push(refs.slice(i, i + size));
      const kids = groups.map(() => this.ref());
      this.object(self, `<< /Type /Pages ${parent ? `/Parent ${parent} 0 R ` : ""}/Kids [${kids.map((r) => `${r} 0 R`).join(" ")}] /Count ${refs.length} >>`);
      groups.forEach((group, i) => build(group, self, kids[i]));
    };
    build(pageRefs, 0, pagesRef);
    const catalog = this.add(`<< /Type /Catalog /Pages ${pagesRef} 0 R >>`);
    const xref = this.position;
    const rows = this.offsets.map((offset, i) => (i === 0 ? "0000000000 65535 f \n" : `${String(offset).padStart(10, "0")} 00000 n \n`));
    this.write(`xref\n0 ${this.offsets.length}\n${rows.join("")}trailer\n<< /Size ${this.offsets.length} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
    fs.closeSync(this.fd);
  }
}

/**
 * Page objects whose /Parent is the page tree's root: PdfWriter.finish puts every page under one /Pages node or
 * under intermediate ones; pdf.js, like every reader, follows /Kids and does not check /Parent.
 */
function pageObject(pdf, pagesRef, { width, height, contents, resources }) {
  return pdf.add(`<< /Type /Page /Parent ${pagesRef} 0 R /MediaBox [0 0 ${width} ${height}] /Resources ${resources} /Contents ${contents} 0 R >>`);
}

const flate = (source) => zlib.deflateSync(Buffer.from(source, "latin1"));
const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/** A deterministic pseudo-random sequence (mulberry32), so every run writes the same bytes. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- A baseline JPEG of 8 x 8 flat blocks (DC coefficients only): any size, written as it is encoded. ----

class BitWriter {
  constructor() {
    this.bytes = [];
    this.chunks = [];
    this.acc = 0;
    this.bits = 0;
  }

  put(code, length) {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((code >> i) & 1);
      if (++this.bits === 8) {
        this.bytes.push(this.acc);
        if (this.acc === 0xff) this.bytes.push(0); // byte stuffing
        this.acc = 0;
        this.bits = 0;
        if (this.bytes.length >= 1 << 16) this.flush();
      }
    }
  }

  flush() {
    this.chunks.push(Buffer.from(this.bytes));
    this.bytes = [];
  }

  end() {
    if (this.bits > 0) this.put((1 << (8 - this.bits)) - 1, 8 - this.bits); // pad with ones
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

/** The standard luminance DC table (ITU T.81 K.3) and an AC table holding only end-of-block. */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0];

function huffmanCodes(bits, values) {
  const codes = new Map();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]; i++) codes.set(values[k++], { code: code++, length });
    code <<= 1;
  }
  return codes;
}

/**
 * A baseline JPEG of width x height pixels, `components` 1 (grey) or 3 (YCbCr, no subsampling), made of flat
 * 8 x 8 blocks: `level(bx, by, c)` gives each block's value, -64..63 (pixel value 128 + 2 x level). A
 * 20000 x 20000 RGB image is ~10 MB here and 1.2 GB decoded.
 */
function flatBlockJpeg(width, height, components, level) {
  const dc = huffmanCodes(DC_BITS, DC_VALUES);
  const eob = huffmanCodes(AC_BITS, AC_VALUES).get(0);
  const segment = (marker, body) => Buffer.concat([Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
  const quant = Buffer.alloc(65, 16);
  quant[0] = 0; // table 0, 8-bit
  const frame = [8, height >> 8, height & 0xff, width >> 8, width & 0xff, components];
  for (let c = 0; c < components; c++) frame.push(c + 1, 0x11, 0);
  const scan = [components];
  for (let c = 0; c < components; c++) scan.push(c + 1, 0x00);
  scan.push(0, 63, 0);
  const dht = (cls, bits, values) => Buffer.from([(cls << 4) | 0, ...bits, ...values]);
  const bits = new BitWriter();
  const blocksX = Math.ceil(width / 8);
  const blocksY = Math.ceil(height / 8);
  const previous = new Array(components).fill(0);
  for (let by = 0; by < blocksY; by++) {
    for (let bx = 0; bx < blocksX; bx++) {
      for (let c = 0; c < components; c++) {
        // The DC coefficient is the block mean x 8 (less the 128 offset); with quantiser 16, 2 x level per step.
        const value = Math.max(-64, Math.min(63, Math.round(level(bx, by, c)))) * 4;
        const diff = value - previous[c];
        previous[c] = value;
        const magnitude = Math.abs(diff);
        const category = magnitude === 0 ? 0 : 32 - Math.clz32(magnitude);
        const { code, length } = dc.get(category);
        bits.put(code, length);
        if (category > 0) bits.put(diff > 0 ? diff : diff + (1 << category) - 1, category);
        bits.put(eob.code, eob.length);
      }
    }
  }
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xdb, quant),
    segment(0xc0, Buffer.from(frame)),
    segment(0xc4, dht(0, DC_BITS, DC_VALUES)),
    segment(0xc4, dht(1, AC_BITS, AC_VALUES)),
    segment(0xda, Buffer.from(scan)),
    bits.end(),
    Buffer.from([0xff, 0xd9]),
  ]);
}

function jpegImage(pdf, width, height, components, level) {
  const colourSpace = components === 1 ? "/DeviceGray" : "/DeviceRGB";
  return pdf.add(`<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace ${colourSpace} /BitsPerComponent 8 /Filter /DCTDecode`, flatBlockJpeg(width, height, components, level));
}

/** Lines of "words" (black runs) on white, as a 1-bit scan of a text page looks; 1 = black (ImageMask painted). */
function scannedTextBits(width, height, seed) {
  const rowBytes = (width + 7) >> 3;
  const data = Buffer.alloc(rowBytes * height);
  const next = random(seed);
  const lineHeight = Math.max(8, Math.round(height / 120));
  for (let top = lineHeight * 3; top + lineHeight < height - lineHeight * 3; top += Math.round(lineHeight * 1.6)) {
    let x = Math.round(width * 0.08);
    while (x < width * 0.92) {
      const word = Math.round(lineHeight * (1 + next() * 5));
      const end = Math.min(Math.round(width * 0.92), x + word);
      for (let y = top; y < top + lineHeight; y++) {
        if (next() < 0.2) continue; // ragged strokes: a mask that compresses like a scan, not like a rectangle
        for (let px = x; px < end; px++) if ((px + y) % 3 !== 0) data[y * rowBytes + (px >> 3)] |= 0x80 >> (px & 7);
      }
      x = end + Math.round(lineHeight * 0.6);
    }
  }
  return data;
}

const textLine = (s) => `(${s.replace(/[()\\]/g, "\\$&")}) Tj`;

// ---- The cases ----

/** Two letter pages, each painting one 1-bit stencil mask of ~9000 x 12000 px (Flate), as a 600 dpi scan in a book. */
function imageMask(file) {
  const pdf = new PdfWriter(file);
  const pages = pdf.ref();
  const refs = [];
  for (const [width, height, seed] of [
    [9258, 12259, 1],
    [8992, 10384, 2],
  ]) {
    const mask = pdf.add(
      `<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ImageMask true /BitsPerComponent 1 /Decode [0 1] /Filter /FlateDecode`,
      zlib.deflateSync(scannedTextBits(width, height, seed)),
    );
    const contents = pdf.add("", `q 0 0 0.2 rg 612 0 0 792 0 0 cm /M Do Q`);
    refs.push(pageObject(pdf, pages, { width: 612, height: 792, contents, resources: `<< /XObject << /M ${mask} 0 R >> >>` }));
  }
  pdf.finish(refs, pages);
}

/** One letter page holding a 20000 x 20000 RGB JPEG (1.2 GB decoded) drawn over the whole page. */
function hugeJpeg(file) {
  const pdf = new PdfWriter(file);
  const pages = pdf.ref();
  const image = jpegImage(pdf, 20000, 20000, 3, (bx, by, c) => (c === 0 ? ((bx >> 6) + (by >> 6)) % 40 - 20 : c === 1 ? (bx >> 8) - 5 : (by >> 8) - 5));
  const contents = pdf.add("", "q 612 0 0 792 0 0 cm /I Do Q");
  pdf.finish([pageObject(pdf, pages, { width: 612, height: 792, contents, resources: `<< /XObject << /I ${image} 0 R >> >>` })], pages);
}

/**
 * A 960 x 540 pt slide as PowerPoint exports it: hundreds of text runs, each inside its own even-odd clip, drawn
 * under a luminosity soft mask and again inside a soft-masked transparency group, and six images.
 */
function clipsAndSoftMask(file, runs = 400) {
  const pdf = new PdfWriter(file);
  const pages = pdf.ref();
  const font = pdf.add(helvetica);
  const images = Array.from({ length: 6 }, (_, i) => jpegImage(pdf, 800, 600, 3, (bx, by, c) => ((bx * (i + 1) + by * (c + 2)) % 50) - 25));
  const next = random(7);
  let body = "";
  for (let i = 0; i < runs; i++) {
    const x = 20 + next() * 800;
    const y = 20 + next() * 500;
    // An even-odd clip of an outer box with a hole and a thin inner bar: three subpaths, as exporters write them.
    body += `q ${x - 4} ${y - 4} 160 22 re ${x + 40} ${y + 2} 20 8 re ${x + 100} ${y - 2} 50 3 re W* n BT /F1 ${8 + (i % 7)} Tf ${(i % 5) * 0.2} 0 0.3 rg 1 0 0 1 ${x} ${y} Tm ${textLine(`Text run ${i} in an even-odd clip`)} ET Q\n`;
  }
  const group = pdf.add(
    `<< /Type /XObject /Subtype /Form /BBox [0 0 960 540] /Group << /S /Transparency /CS /DeviceRGB >> /Resources << /Font << /F1 ${font} 0 R >> >> /Filter /FlateDecode`,
    flate(body),
  );
  const maskShape = pdf.add(
    "<< /Type /XObject /Subtype /Form /BBox [0 0 960 540] /Group << /S /Transparency /CS /DeviceGray >> /Filter /FlateDecode",
    flate(Array.from({ length: 24 }, (_, i) => `${(i + 1) / 24} g ${i * 40} 0 40 540 re f`).join("\n")),
  );
  const softMask = pdf.add(`<< /Type /ExtGState /SMask << /Type /Mask /S /Luminosity /G ${maskShape} 0 R >> >>`);
  const plain = pdf.add("<< /Type /ExtGState /SMask /None /ca 0.9 >>");
  const imageOps = images.map((_, i) => `q 150 0 0 112 ${20 + (i % 3) * 310} ${i < 3 ? 20 : 400} cm /Im${i} Do Q`).join("\n");
  // The runs twice: drawn while the soft mask is active (pdf.js composes the mask after every drawing operation),
  // and inside the soft-masked transparency group.
  const contents = pdf.add("/Filter /FlateDecode", flate(`${imageOps}\nq /SM gs\n${body}Q\nq /SM gs /G Do Q\nq /GP gs 0 0 1 rg 10 10 100 20 re f Q`));
  const xobjects = images.map((ref, i) => `/Im${i} ${ref} 0 R`).join(" ");
  const resources = `<< /Font << /F1 ${font} 0 R >> /XObject << /G ${group} 0 R ${xobjects} >> /ExtGState << /SM ${softMask} 0 R /GP ${plain} 0 R >> >>`;
  pdf.finish([pageObject(pdf, pages, { width: 960, height: 540, contents, resources })], pages);
}

/**
 * A one-page A4 drawing of many small transparency groups, a quarter of them painted through soft masks (the
 * drawing in the issue had 6,710 groups, 1,599 soft masks and 3,355 form XObjects). `forms` form XObjects, each
 * painted twice.
 */
function groupsAndSoftMasks(file, forms = 3355, masks = 1599) {
  const pdf = new PdfWriter(file);
  const pages = pdf.ref();
  const next = random(11);
  const maskShape = pdf.add(
    "<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Group << /S /Transparency /CS /DeviceGray >> /Filter /FlateDecode",
    flate(Array.from({ length: 16 }, (_, i) => `${(i + 1) / 16} g 0 ${i * 53} 595 53 re f`).join("\n")),
  );
  const formRefs = [];
  for (let i = 0; i < forms; i++) {
    const x = next() * 560;
    const y = next() * 800;
    const d = `${next()} ${next()} ${next()} rg ${x} ${y} m ${x + 30} ${y + 5} l ${x + 15} ${y + 25} l h f ${x} ${y} 12 12 re S`;
    formRefs.push(pdf.add(`<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Group << /S /Transparency >> /Resources << /ExtGState << /A << /ca 0.6 /CA 0.8 >> >> >>`, `/A gs ${d}`));
  }
  const maskStates = Array.from({ length: masks }, () => pdf.add(`<< /Type /ExtGState /SMask << /Type /Mask /S /Luminosity /G ${maskShape} 0 R >> >>`));
  let body = "";
  for (let pass = 0; pass < 2; pass++) {
    formRefs.forEach((_, i) => {
      const masked = pass === 0 && i < masks;
      body += masked ? `q /S${i} gs /F${i} Do Q\n` : `/F${i} Do\n`;
    });
  }
  // Resources in one dictionary object: 5,000 names.
  const resources = pdf.add(
    `<< /XObject << ${formRefs.map((r, i) => `/F${i} ${r} 0 R`).join(" ")} >> /ExtGState << ${maskStates.map((r, i) => `/S${i} ${r} 0 R`).join(" ")} >> >>`,
  );
  const contents = pdf.add("/Filter /FlateDecode", flate(body));
  pdf.finish([pageObject(pdf, pages, { width: 595, height: 842, contents, resources: `${resources} 0 R` })], pages);
}

/**
 * `copies` copies of a 30-page letter document whose pages each hold a ~280 dpi grey scan (a ~150 KB JPEG of its
 * own) and a few lines of text: 30 pages = ~4.7 MB, 600 pages (copies = 20) = ~95 MB.
 */
function scannedCopies(file, copies) {
  const pdf = new PdfWriter(file);
  const pages = pdf.ref();
  const font = pdf.add(helvetica);
  const refs = [];
  for (let copy = 0; copy < copies; copy++) {
    for (let p = 0; p < 30; p++) {
      const next = random(1000 + p); // the same 30 pages in every copy, written again each time (no shared objects)
      const image = jpegImage(pdf, 2450, 3160, 1, (bx, by) => 50 - ((bx + by) % 9) - next() * 40);
      const text = Array.from({ length: 12 }, (_, i) => `BT /F1 11 Tf 72 ${700 - i * 16} Td ${textLine(`Copy ${copy + 1}, page ${p + 1}, line ${i + 1}: a scanned page with a text layer.`)} ET`).join("\n");
      const contents = pdf.add("/Filter /FlateDecode", flate(`q 612 0 0 792 0 0 cm /I Do Q\n0 g\n${text}`));
      refs.push(pageObject(pdf, pages, { width: 612, height: 792, contents, resources: `<< /XObject << /I ${image} 0 R >> /Font << /F1 ${font} 0 R >> >>` }));
    }
  }
  pdf.finish(refs, pages);
}

/** `count` A4 pages of text (40 lines each, Helvetica, not embedded): many pages, few bytes. */
function textPages(file, count) {
  const pdf = new PdfWriter(file);
  const pages = pdf.ref();
  const font = pdf.add(helvetica);
  const refs = [];
  for (let p = 0; p < count; p++) {
    const lines = Array.from({ length: 40 }, (_, i) => `${textLine(`Page ${p + 1} line ${i + 1}: many pages, each small, a page-count stress test.`)} T*`).join("\n");
    const contents = pdf.add("/Filter /FlateDecode", flate(`BT /F1 10 Tf 14 TL 60 780 Td\n${lines}\nET`));
    refs.push(pageObject(pdf, pages, { width: 595, height: 842, contents, resources: `<< /Font << /F1 ${font} 0 R >> >>` }));
  }
  pdf.finish(refs, pages);
}

const corpusDir = process.env.CORPUS_DIR || path.resolve(__dirname, "../../shared/corpus");

/** `count` pages taken in turn from a corpus PDF (pdf-lib; copies of the source's pages, repeated as needed). */
async function corpusPages(file, source, count) {
  const { PDFDocument } = require("pdf-lib");
  const from = await PDFDocument.load(fs.readFileSync(path.join(corpusDir, source)));
  const out = await PDFDocument.create();
  const total = from.getPageCount();
  while (out.getPageCount() < count) {
    const take = Math.min(total, count - out.getPageCount());
    const pagesCopied = await out.copyPages(from, Array.from({ length: take }, (_, i) => i));
    for (const page of pagesCopied) out.addPage(page);
  }
  fs.writeFileSync(file, await out.save({ useObjectStreams: true }));
}

/** name → { what, slow, make(file) }. */
const cases = {
  "image-mask-9258x12259": { what: "2 pages, each a 1-bit Flate image mask of ~9000 x 12000 px", slow: false, make: imageMask },
  "jpeg-20000x20000": { what: "1 page, a 20000 x 20000 RGB JPEG", slow: false, make: hugeJpeg },
  "clips-evenodd-softmask": { what: "1 slide: 400 text runs in even-odd clips inside a soft-masked group, 6 images", slow: false, make: (f) => clipsAndSoftMask(f) },
  "groups-6710-softmasks-1599": { what: "1 A4 drawing: 3,355 transparency-group forms painted twice, 1,599 soft masks", slow: false, make: (f) => groupsAndSoftMasks(f) },
  "scanned-30p": { what: "30 pages, a 300 dpi grey scan JPEG each (~4.7 MB): the document the 600-page one copies", slow: false, make: (f) => scannedCopies(f, 1) },
  "scanned-600p-95mb": { what: "600 pages, 20 copies of scanned-30p (~95 MB)", slow: true, make: (f) => scannedCopies(f, 20) },
  "text-5000p": { what: "5,000 pages of text", slow: true, make: (f) => textPages(f, 5000) },
  "geotopo-2415p": { what: "2,415 pages: copies of the corpus's text-117p-geotopo.pdf", slow: true, make: (f) => corpusPages(f, "text-117p-geotopo.pdf", 2415) },
  "lwarp-30p": { what: "the first 30 pages of the corpus's 1370-page manual", slow: false, make: (f) => corpusPages(f, "text-1370p-lwarp-manual.pdf", 30) },
  "lwarp-600p": { what: "the first 600 pages of the corpus's 1370-page manual", slow: true, make: (f) => corpusPages(f, "text-1370p-lwarp-manual.pdf", 600) },
};

/** Writes case `name` to DIR/name.pdf unless it is there already; returns its path. */
async function generate(name, dir) {
  const entry = cases[name];
  if (!entry) throw new Error(`unknown case ${name}; known: ${Object.keys(cases).join(", ")}`);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.pdf`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.partial`;
  await entry.make(partial);
  fs.renameSync(partial, file);
  return file;
}

module.exports = { cases, generate };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === "--list" || args.length === 0) {
    for (const [name, { what, slow }] of Object.entries(cases)) console.log(`${name.padEnd(28)} ${slow ? "slow" : "fast"}  ${what}`);
    if (args.length === 0) console.log("\nusage: node scripts/hostile-pdfs.js OUTDIR [name ...]");
    process.exit(0);
  }
  const [dir, ...names] = args;
  (async () => {
    for (const name of names.length ? names : Object.keys(cases)) {
      const t0 = Date.now();
      const file = await generate(name, dir);
      console.log(`${file}  ${(fs.statSync(file).size / 2 ** 20).toFixed(1)} MB  ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
