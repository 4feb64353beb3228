/** A 2D affine transform as pdf.js writes it: [a, b, c, d, e, f] maps (x, y) to (a x + c y + e, b x + d y + f). */
export type Affine = [number, number, number, number, number, number];

export function applyAffine(m: readonly number[], x: number, y: number): [number, number] {
  return [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];
}

/** The inverse transform; throws on a singular matrix (a page of zero size). */
export function invertAffine(m: readonly number[]): Affine {
  const [a, b, c, d, e, f] = m;
  const det = a * d - b * c;
  if (!det || !Number.isFinite(det)) throw new RangeError(`transform [${m.join(", ")}] is not invertible`);
  return [d / det, -b / det, -c / det, a / det, (c * f - d * e) / det, (b * e - a * f) / det];
}
