export interface Recognised {
  text: string;
  /** Mean of the kept characters' probabilities (PaddleOCR's rec score); 0 for an empty result. */
  score: number;
}

/**
 * Greedy CTC decoding as PaddleOCR's CTCLabelDecode: argmax per time step, merge repeats, drop the blank (index 0).
 * `probs` is [steps, classes] row-major softmax output.
 */
export function ctcGreedyDecode(probs: Float32Array, steps: number, classes: number, characters: readonly string[]): Recognised {
  let text = "";
  let sum = 0;
  let kept = 0;
  let previous = -1;
  for (let t = 0; t < steps; t++) {
    let best = 0;
    let bestP = -Infinity;
    const row = t * classes;
    for (let c = 0; c < classes; c++) {
      const p = probs[row + c];
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    if (best !== 0 && best !== previous) {
      text += characters[best] ?? "";
      sum += bestP;
      kept++;
    }
    previous = best;
  }
  return { text, score: kept ? sum / kept : 0 };
}
