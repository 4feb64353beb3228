/** Pages `first`..`last` of a document, both included. */
export interface PageRange {
  first: number;
  last: number;
}

/**
 * A document of `numPages` pages cut into ranges of `size` pages (the last one shorter). The boundaries depend only
 * on the page count and SPLIT_PAGES, so a parent that runs again (after a crash, a retry) finds the same ranges and
 * the same range job ids.
 */
export function pageRanges(numPages: number, size: number): PageRange[] {
  if (!Number.isInteger(size) || size < 1) throw new Error(`range size must be a positive integer, not ${size}`);
  const ranges: PageRange[] = [];
  for (let first = 1; first <= numPages; first += size) ranges.push({ first, last: Math.min(numPages, first + size - 1) });
  return ranges;
}

/** The ranges that still have a page without a row (`recorded`: the numbers of the recorded pages). */
export function pendingRanges(ranges: readonly PageRange[], recorded: Iterable<number>): PageRange[] {
  const done = new Set(recorded);
  return ranges.filter(({ first, last }) => {
    for (let n = first; n <= last; n++) if (!done.has(n)) return true;
    return false;
  });
}

/** The pages of `first`..`last` without a row, ascending: what a job (or a range of one) still has to do. */
export function missingPages(first: number, last: number, recorded: readonly number[]): number[] {
  const done = new Set(recorded);
  const missing: number[] = [];
  for (let n = first; n <= last; n++) if (!done.has(n)) missing.push(n);
  return missing;
}
