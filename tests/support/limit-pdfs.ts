import zlib from "node:zlib";

/**
 * Small generated PDFs whose pages really need memory or time, for the compute child's watchdogs (no test hook in
 * the production code: the pages are hard for pdf.js itself).
 * - `imagePage`: white RGB images of `side` x `side` px, Flate-compressed to a few hundred KB. pdf.js decodes each at
 *   full size (9000 px: ~1.3 GB at the peak, ~4 s a image); the reduced budget leaves images above 12 Mpx out.
 * - `operatorsPage`: `count` transformation operators. pdf.js builds an operator list of them before it draws,
 *   whatever the resolution (1 M: ~320 MB and ~4 s).
 * - `textPage`: a line of text (cheap).
 */
export type GeneratedPage = { kind: "text" } | { kind: "image"; side: number; images?: number } | { kind: "operators"; count: number };

const TEXT = "BT /F1 24 Tf 72 700 Td (A page of ordinary text.) Tj ET";

function stream(dict: string, data: Buffer): Buffer {
  const compressed = zlib.deflateSync(data, { level: 9 });
  return Buffer.concat([Buffer.from(`<< ${dict} /Filter /FlateDecode /Length ${compressed.length} >>\nstream\n`), compressed, Buffer.from("\nendstream")]);
}

function pageParts(page: GeneratedPage): { content: string; images: Buffer[] } {
  if (page.kind === "text") return { content: TEXT, images: [] };
  if (page.kind === "operators") return { content: `${TEXT}\n${"1 0 0 1 0.5 0 cm\n".repeat(page.count)}`, images: [] };
  const count = page.images ?? 1;
  const pixels = Buffer.alloc(page.side * page.side * 3, 0xff);
  const image = stream(`/Type /XObject /Subtype /Image /Width ${page.side} /Height ${page.side} /ColorSpace /DeviceRGB /BitsPerComponent 8`, pixels);
  const draws = Array.from({ length: count }, (_, i) => `q 250 0 0 300 ${50 + i * 260} 100 cm /Im${i} Do Q`).join(" ");
  return { content: `${draws} ${TEXT}`, images: Array.from({ length: count }, () => image) };
}

/** A US-letter PDF with the given pages. */
export function limitTestPdf(pages: GeneratedPage[]): Buffer {
  const objects: Buffer[] = [Buffer.alloc(0)]; // 1: the page tree, written last
  const add = (body: Buffer | string) => objects.push(Buffer.isBuffer(body) ? body : Buffer.from(body));
  const kids: number[] = [];
  for (const page of pages) {
    const { content, images } = pageParts(page);
    const xobjects = images.map((image, i) => `/Im${i} ${add(image)} 0 R`).join(" ");
    const contents = add(stream("", Buffer.from(content)));
    const font = "/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>";
    kids.push(add(`<< /Type /Page /Parent 1 0 R /MediaBox [0 0 612 792] /Contents ${contents} 0 R /Resources << ${font} /XObject << ${xobjects} >> >> >>`));
  }
  objects[0] = Buffer.from(`<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(" ")}] /Count ${kids.length} >>`);
  const catalog = add("<< /Type /Catalog /Pages 1 0 R >>");
  const parts = [Buffer.from("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  const offsets: number[] = [];
  let position = parts[0]!.length;
  objects.forEach((body, i) => {
    const object = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from("\nendobj\n")]);
    offsets.push(position);
    parts.push(object);
    position += object.length;
  });
  const entries = offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("");
  parts.push(Buffer.from(`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${entries}trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${position}\n%%EOF\n`));
  return Buffer.concat(parts);
}
