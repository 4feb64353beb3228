import { parsePageRange } from "@pagewise/pipeline";

describe("parsePageRange (pagewise detect --pages)", () => {
  it("reads single pages, ranges, lists and open ends", () => {
    expect(parsePageRange("3", 10)).toEqual([3]);
    expect(parsePageRange("1-5", 10)).toEqual([1, 2, 3, 4, 5]);
    expect(parsePageRange("7-9, 2,4", 10)).toEqual([2, 4, 7, 8, 9]);
    expect(parsePageRange("8-", 10)).toEqual([8, 9, 10]);
    expect(parsePageRange("-2", 10)).toEqual([1, 2]);
  });

  it("lists each page once and stops at the last page", () => {
    expect(parsePageRange("1-3,2-4", 10)).toEqual([1, 2, 3, 4]);
    expect(parsePageRange("2-99", 4)).toEqual([2, 3, 4]);
  });

  it("rejects what is not a range, backwards ranges, page 0 and pages past the end", () => {
    for (const bad of ["", "a", "1-2-3", "5-3", "0", "0-2", "-", "1,,2", "1.5"]) expect(() => parsePageRange(bad, 10)).toThrow(RangeError);
    expect(() => parsePageRange("11", 10)).toThrow(/past the last page/);
  });
});
