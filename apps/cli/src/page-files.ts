import path from "node:path";
import type { PageResult } from "@pagewise/core";

/** `<name>-<n>.png` / `.json`: the PDF's base name and the page number. */
export function pageFileNames(pdfPath: string, pageNumber: number): { png: string; json: string } {
  const name = path.basename(pdfPath).replace(/\.(pdf|png|jpe?g|webp|tiff?)$/i, "") || "page";
  return { png: `${name}-${pageNumber}.png`, json: `${name}-${pageNumber}.json` };
}

/** The same JSON as the service's GET /api/documents/{id}/pages/{n}, with file names for the URLs. */
export function pageJson(result: PageResult, files: { png: string; json: string }) {
  return { ...result, pointsPerPixel: 1 / result.scale, imageUrl: files.png, jsonUrl: files.json };
}
