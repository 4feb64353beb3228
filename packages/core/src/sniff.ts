/**
 * Tell a PDF from other bytes by its header. The PDF spec allows junk before `%PDF-`; like pdf.js and poppler
 * we look for it in the first 1024 bytes.
 */
export type Sniffed = "pdf" | "empty" | "not_pdf";

const MAGIC = Buffer.from("%PDF-", "latin1");
export const SNIFF_BYTES = 1024;

export function sniffPdf(head: Uint8Array): Sniffed {
  if (head.length === 0) return "empty";
  const window = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, SNIFF_BYTES));
  return window.indexOf(MAGIC) >= 0 ? "pdf" : "not_pdf";
}
