/** Types of scripts/hostile-pdfs.js (the generated hostile PDFs), for the tests that use it. */
export const cases: Record<string, { what: string; slow: boolean; make(file: string): void | Promise<void> }>;
export function generate(name: string, dir: string): Promise<string>;
export function flatBlockJpeg(width: number, height: number, components: 1 | 3, level: (bx: number, by: number, c: number) => number): Buffer;
export function groupsAndSoftMasks(file: string, forms?: number, masks?: number): void;
export function clipsAndSoftMask(file: string, runs?: number): void;
