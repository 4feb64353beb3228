/**
 * "1-5", "3", "1,4,7-9", "5-" (to the end): the listed page numbers within 1..numPages, ascending, each once.
 * Throws a RangeError naming the bad part.
 */
export function parsePageRange(spec: string, numPages: number): number[] {
  const pages = new Set<number>();
  for (const raw of spec.split(",")) {
    const part = raw.trim();
    const m = /^(\d+)?\s*(-)?\s*(\d+)?$/.exec(part);
    if (!part || !m || (!m[1] && !m[3]) || (!m[2] && !m[1])) throw new RangeError(`bad page range "${part}" in "${spec}"`);
    const from = m[1] ? Number(m[1]) : 1;
    const to = m[2] ? (m[3] ? Number(m[3]) : numPages) : from;
    if (from < 1 || to < from) throw new RangeError(`bad page range "${part}" in "${spec}"`);
    if (from > numPages) throw new RangeError(`page ${from} is past the last page (${numPages})`);
    for (let p = from; p <= Math.min(to, numPages); p++) pages.add(p);
  }
  return [...pages].sort((a, b) => a - b);
}
