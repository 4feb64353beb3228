import { sniffSource, sourceKindOrCode } from "@pagewise/core";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));
const of = (...b: number[]) => new Uint8Array(b);

describe("sniffSource", () => {
  it("accepts a %PDF- header", () => expect(sniffSource(bytes("%PDF-1.7\n..."))).toBe("pdf"));
  it("accepts junk before the header within 1024 bytes", () => expect(sniffSource(bytes(" ".repeat(500) + "%PDF-1.4"))).toBe("pdf"));
  it("rejects a header past 1024 bytes", () => expect(sniffSource(bytes(" ".repeat(1100) + "%PDF-1.4"))).toBe("not_pdf"));
  it("calls zero bytes empty", () => expect(sniffSource(new Uint8Array(0))).toBe("empty"));
  it("rejects HTML", () => expect(sniffSource(bytes("<!doctype html><html></html>"))).toBe("not_pdf"));
  it("tells a JPEG", () => expect(sniffSource(of(0xff, 0xd8, 0xff, 0xe0, 0, 16))).toBe("jpeg"));
  it("tells a PNG", () => expect(sniffSource(of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0))).toBe("png"));
  it("tells a WebP (RIFF....WEBP), not any RIFF", () => {
    expect(sniffSource(bytes("RIFF\x10\0\0\0WEBPVP8 "))).toBe("webp");
    expect(sniffSource(bytes("RIFF\x10\0\0\0WAVEfmt "))).toBe("not_pdf");
  });
  it("tells a TIFF in either byte order, not a BigTIFF", () => {
    expect(sniffSource(of(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0))).toBe("tiff");
    expect(sniffSource(of(0x4d, 0x4d, 0x00, 0x2a, 0, 0, 0, 8))).toBe("tiff");
    expect(sniffSource(of(0x49, 0x49, 0x2b, 0x00, 8, 0, 0, 0))).toBe("not_pdf");
  });
  it("goes by the bytes, not a PDF header further on", () => expect(sniffSource(of(0xff, 0xd8, 0xff, ...Buffer.from("%PDF-1.4")))).toBe("jpeg"));
});

describe("sourceKindOrCode", () => {
  it("is the one code for refused bytes, in the API and in a document's failure", () => {
    expect(sourceKindOrCode(bytes("%PDF-1.7\n..."))).toEqual({ kind: "pdf" });
    expect(sourceKindOrCode(of(0xff, 0xd8, 0xff, 0xe0, 0, 16))).toEqual({ kind: "jpeg" });
    expect(sourceKindOrCode(new Uint8Array(0))).toEqual({ code: "empty_file" });
    expect(sourceKindOrCode(bytes("<!doctype html>"))).toEqual({ code: "not_pdf" });
  });
});
