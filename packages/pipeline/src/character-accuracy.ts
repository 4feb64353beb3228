/** Levenshtein distance over Unicode code points. */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[y.length];
}

/**
 * Character accuracy of recognised text against a reference, the OCR-evaluation way: (n - errors) / n with
 * n = reference length and errors = edit distance, floored at 0. Whitespace is dropped on both sides first (the
 * text layer and the recogniser disagree on spaces more than on letters), and NFKC folds ligatures and
 * full-width forms.
 */
export function characterAccuracy(reference: string, recognised: string): { characters: number; errors: number } {
  const fold = (s: string) => s.normalize("NFKC").replace(/\s+/g, "");
  const ref = fold(reference);
  const characters = [...ref].length;
  return { characters, errors: Math.min(characters, editDistance(ref, fold(recognised))) };
}
