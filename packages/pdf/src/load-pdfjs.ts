import path from "node:path";

import type * as PdfjsModule from "pdfjs-dist/legacy/build/pdf.mjs";

export type Pdfjs = typeof PdfjsModule;

let pdfjs: Promise<Pdfjs> | undefined;

/** pdf.js (legacy build: the modern one needs browser globals), loaded on first use only. */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  return pdfjs;
}

/** Font, CMap and wasm folders shipped with pdfjs-dist, as pdf.js wants them: paths ending in "/". */
export function pdfjsAssetUrls(): { standardFontDataUrl: string; cMapUrl: string; wasmUrl: string } {
  const root = path.dirname(require.resolve("pdfjs-dist/package.json"));
  const folder = (name: string) => path.join(root, name) + path.sep;
  return { standardFontDataUrl: folder("standard_fonts"), cMapUrl: folder("cmaps"), wasmUrl: folder("wasm") };
}
