import { missingPages, pageRanges, pendingRanges } from "@pagewise/worker/process-document/ranges";

describe("page ranges of a split document", () => {
  it("cuts a document into ranges of SPLIT_PAGES pages, the last one shorter", () => {
    expect(pageRanges(50, 24)).toEqual([
      { first: 1, last: 24 },
      { first: 25, last: 48 },
      { first: 49, last: 50 },
    ]);
    expect(pageRanges(24, 24)).toEqual([{ first: 1, last: 24 }]);
    expect(pageRanges(0, 24)).toEqual([]);
    expect(() => pageRanges(10, 0)).toThrow(/positive integer/);
  });

  it("a range is pending while one of its pages has no row, in any order", () => {
    const ranges = pageRanges(10, 4);
    expect(pendingRanges(ranges, [])).toEqual(ranges);
    expect(pendingRanges(ranges, [5, 6, 7, 8, 1, 2, 3])).toEqual([
      { first: 1, last: 4 },
      { first: 9, last: 10 },
    ]);
    expect(pendingRanges(ranges, Array.from({ length: 10 }, (_, i) => i + 1))).toEqual([]);
  });

  it("what a range still has to do: its pages without a row, ascending", () => {
    expect(missingPages(25, 30, [25, 26, 28])).toEqual([27, 29, 30]);
    expect(missingPages(1, 3, [1, 2, 3])).toEqual([]);
  });
});
