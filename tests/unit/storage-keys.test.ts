import { isSafeKey, isSafePrefix } from "@pagewise/storage";
import { storageKeys } from "@pagewise/core";

describe("isSafeKey", () => {
  it.each([
    "a",
    "source.pdf",
    "documents/0b6c5a1e/pages/1.png",
    "documents/id/pages/12.json",
    "with space/and-dash_under.score",
    "..hidden-but-not-traversal",
    "a/b..c/d",
    "ünïcode/ファイル.png",
  ])("accepts %j", (key) => {
    expect(isSafeKey(key)).toBe(true);
  });

  it("accepts every key Pagewise generates", () => {
    const id = "8f14e45f-ceea-4e7a-9f0e-2b3c4d5e6f70";
    for (const key of [storageKeys.source(id), storageKeys.pageImage(id, 3), storageKeys.pageJson(id, 3)]) {
      expect(isSafeKey(key)).toBe(true);
    }
  });

  it.each([
    ["empty", ""],
    ["parent", ".."],
    ["parent segment", "documents/../secrets"],
    ["leading parent", "../etc/passwd"],
    ["trailing parent", "documents/.."],
    ["current dir segment", "documents/./a.png"],
    ["absolute", "/etc/passwd"],
    ["drive letter", "C:/Windows/win.ini"],
    ["backslash", "documents\\a.png"],
    ["backslash traversal", "..\\..\\etc"],
    ["empty segment", "documents//a.png"],
    ["trailing slash", "documents/"],
    ["NUL", "a.png\0.txt"],
    ["newline", "a\nb"],
    ["too long", "a".repeat(1025)],
  ])("rejects %s", (_label, key) => {
    expect(isSafeKey(key)).toBe(false);
  });

  it("rejects non-strings", () => {
    expect(isSafeKey(undefined as unknown as string)).toBe(false);
    expect(isSafeKey(42 as unknown as string)).toBe(false);
  });
});

describe("isSafePrefix", () => {
  it("accepts a key or a folder prefix", () => {
    expect(isSafePrefix("documents/abc/")).toBe(true);
    expect(isSafePrefix("documents/ab")).toBe(true);
  });

  it("rejects empty, root and traversal prefixes", () => {
    for (const prefix of ["", "/", "../", "documents/../", "documents//"]) expect(isSafePrefix(prefix)).toBe(false);
  });
});
