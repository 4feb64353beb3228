/**
 * PaddleOCR's CTCLabelDecode character list: "blank" at index 0, then the dictionary's lines, then " " (its
 * use_space_char=True), so index i of the model's output is characters[i].
 */
export function ctcCharacters(dictionaryText: string): string[] {
  const lines = dictionaryText.split("\n").map((line) => line.replace(/\r$/, ""));
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return ["blank", ...lines, " "];
}
