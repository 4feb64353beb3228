import path from "node:path";

import type * as PdfjsModule from "pdfjs-dist/legacy/build/pdf.mjs";

export type Pdfjs = typeof PdfjsModule;

let pdfjs: Promise<Pdfjs> | undefined;

/**
 * pdf.js (legacy build: the modern one needs browser globals), loaded on first use only, with its worker (pdf.js runs
 * it on this thread, and takes it from globalThis.pdfjsWorker once it is loaded).
 *
 * The legacy build bundles core-js, which replaces three of Node 20's builtins process-wide with JavaScript
 * polyfills, for spec corners nothing here relies on: Array.prototype.push (an array whose length is not writable),
 * JSON.stringify and JSON.parse (JSON.rawJSON, source text in revivers). Every push in the process then went through
 * a function allocating an arguments object, never inlined (pdf.js builds its operator lists by push). The natives
 * are put back once both modules have run; the other polyfills only add what Node 20 lacks.
 */
export function loadPdfjs(): Promise<Pdfjs> {
  pdfjs ??= (async () => {
    const { push } = Array.prototype;
    const { stringify, parse } = JSON;
    try {
      const lib = await import("pdfjs-dist/legacy/build/pdf.mjs");
      await import("pdfjs-dist/legacy/build/pdf.worker.mjs");
      return lib;
    } finally {
      Array.prototype.push = push;
      JSON.stringify = stringify;
      JSON.parse = parse;
    }
  })();
  return pdfjs;
}

/** Font, CMap and wasm folders shipped with pdfjs-dist, as pdf.js wants them: paths ending in "/". */
export function pdfjsAssetUrls(): { standardFontDataUrl: string; cMapUrl: string; wasmUrl: string } {
  const root = path.dirname(require.resolve("pdfjs-dist/package.json"));
  const folder = (name: string) => path.join(root, name) + path.sep;
  return { standardFontDataUrl: folder("standard_fonts"), cMapUrl: folder("cmaps"), wasmUrl: folder("wasm") };
}
