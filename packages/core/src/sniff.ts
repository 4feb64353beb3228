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

/** Why bytes are refused before any parsing: the same code in the API's answer and in a document's failure. */
export type NotPdfCode = "empty_file" | "not_pdf";

/** The code for a head that is not a PDF's (`empty_file`, `not_pdf`); undefined for a PDF. */
export function notPdfCode(head: Uint8Array): NotPdfCode | undefined {
  const kind = sniffPdf(head);
  if (kind === "pdf") return undefined;
  return kind === "empty" ? "empty_file" : "not_pdf";
}
