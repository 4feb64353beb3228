/**
 * Tell what a file is by its first bytes, never by its name or declared type. The PDF spec allows junk before
 * `%PDF-`; like pdf.js and poppler we look for it in the first 1024 bytes. Images are told by their signatures at
 * offset 0: PNG, JPEG (SOI + a marker), WebP (RIFF....WEBP) and TIFF (II*\0 or MM\0*, classic TIFF only).
 */
export type SourceKind = "pdf" | "png" | "jpeg" | "webp" | "tiff";
export type Sniffed = SourceKind | "empty" | "not_pdf";

const MAGIC = Buffer.from("%PDF-", "latin1");
export const SNIFF_BYTES = 1024;

const startsWith = (head: Uint8Array, bytes: number[], at = 0) =>
  head.length >= at + bytes.length && bytes.every((b, i) => head[at + i] === b);

function sniffImage(head: Uint8Array): SourceKind | undefined {
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(head, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return "webp";
  if (startsWith(head, [0x49, 0x49, 0x2a, 0x00]) || startsWith(head, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  return undefined;
}

/** What the first bytes of a file say it is: a PDF, one of the image formats we take, empty, or none of these. */
export function sniffSource(head: Uint8Array): Sniffed {
  if (head.length === 0) return "empty";
  const image = sniffImage(head);
  if (image) return image;
  const window = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, SNIFF_BYTES));
  return window.indexOf(MAGIC) >= 0 ? "pdf" : "not_pdf";
}

/** Why bytes are refused before any parsing: the same code in the API's answer and in a document's failure. */
export type NotPdfCode = "empty_file" | "not_pdf";

/**
 * The one mapping of a head to what is done with it, for the API and the worker alike: the source's kind, or the
 * code it is refused with (`empty_file`; `not_pdf` for neither a PDF nor an image we take).
 */
export function sourceKindOrCode(head: Uint8Array): { kind: SourceKind; code?: undefined } | { kind?: undefined; code: NotPdfCode } {
  const sniffed = sniffSource(head);
  if (sniffed === "empty") return { code: "empty_file" };
  if (sniffed === "not_pdf") return { code: "not_pdf" };
  return { kind: sniffed };
}

/** The Content-Type a source of this kind is stored with. */
export const sourceContentTypes: Record<SourceKind, string> = {
  pdf: "application/pdf",
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  tiff: "image/tiff",
};

/**
 * Default of MAX_IMAGE_PIXELS: an image (or TIFF frame) declaring more pixels is refused before it is decoded.
 * Pillow's decompression-bomb error is at 2 x 89.5 Mpx; a 100 Mpx frame would be 400 MB as RGBA.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;
