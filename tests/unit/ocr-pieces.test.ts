import { characterAccuracy, editDistance } from "@pagewise/pipeline";
import { ctcGreedyDecode } from "../../packages/detector/src/ocr/ctc-decode";
import { ctcCharacters } from "../../packages/detector/src/ocr/dictionary";
import { cropForRecognition } from "../../packages/detector/src/ocr/crop";
import { recognitionInput } from "../../packages/detector/src/ocr/rec-preprocess";

describe("PP-OCR recognition pieces", () => {
  it("builds PaddleOCR's character list: blank first, the dictionary, a space last", () => {
    expect(ctcCharacters("a\nb\r\nc\n")).toEqual(["blank", "a", "b", "c", " "]);
    expect(ctcCharacters("a\nb")).toEqual(["blank", "a", "b", " "]);
  });

  it("decodes CTC greedily: argmax, merge repeats, drop blanks; score = mean of kept maxima", () => {
    const chars = ["blank", "a", "b", " "];
    // steps: a a blank a b b space  → "aab " ... repeats merge only when adjacent
    const argmax = [1, 1, 0, 1, 2, 2, 3];
    const probs = new Float32Array(argmax.length * 4).fill(0.1);
    argmax.forEach((c, t) => (probs[t * 4 + c] = t === 0 ? 0.5 : 0.9));
    const { text, score } = ctcGreedyDecode(probs, argmax.length, 4, chars);
    expect(text).toBe("aab ");
    expect(score).toBeCloseTo((0.5 + 0.9 + 0.9 + 0.9) / 4, 6);
    expect(ctcGreedyDecode(new Float32Array([1, 0, 0, 0]), 1, 4, chars)).toEqual({ text: "", score: 0 });
  });

  it("crops the box from the raster and turns tall crops a quarter counter-clockwise", () => {
    const width = 4;
    const height = 4;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) data[i * 4] = i; // red = pixel index
    const wide = cropForRecognition({ width, height, data }, [1, 1, 3, 2])!;
    expect([wide.width, wide.height, wide.data[0], wide.data[4]]).toEqual([2, 1, 5, 6]);
    // A 1 x 3 column (x = 1, y = 0..2: pixels 1, 5, 9) becomes a 3 x 1 row: np.rot90 of [[1], [5], [9]] is [[1, 5, 9]].
    const tall = cropForRecognition({ width, height, data }, [1, 0, 2, 3])!;
    expect([tall.width, tall.height]).toEqual([3, 1]);
    expect([tall.data[0], tall.data[4], tall.data[8]]).toEqual([1, 5, 9]);
    expect(cropForRecognition({ width, height, data }, [5, 5, 9, 9])).toBeUndefined();
  });

  it("resizes to height 48, width ceil(48 w / h) within max(320, 48 w / h), normalised to [-1, 1], zero padded", () => {
    const white = { width: 100, height: 24, data: new Uint8ClampedArray(100 * 24 * 4).fill(255) };
    const input = recognitionInput(white);
    expect([input.width, input.height]).toEqual([320, 48]);
    expect(input.data[0]).toBeCloseTo(1, 6); // white → 1
    expect(input.data[199]).toBeCloseTo(1, 6); // last resized column: ceil(48 * 100 / 24) = 200
    expect(input.data[200]).toBe(0); // padding
    const long = recognitionInput({ width: 1000, height: 20, data: new Uint8ClampedArray(1000 * 20 * 4).fill(255) });
    expect(long.width).toBe(2400);
  });

  it("measures character accuracy as (n - edits) / n without whitespace, NFKC-folded", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(characterAccuracy("The ﬁrst line", "Thefirst1ine")).toEqual({ characters: 12, errors: 1 });
    expect(characterAccuracy("abc", "")).toEqual({ characters: 3, errors: 3 });
    expect(characterAccuracy("abc", "abcdefgh")).toEqual({ characters: 3, errors: 3 });
  });
});
