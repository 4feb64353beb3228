import { notPdfCode, sniffPdf } from "@pagewise/core";

const bytes = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

describe("sniffPdf", () => {
  it("accepts a %PDF- header", () => expect(sniffPdf(bytes("%PDF-1.7\n..."))).toBe("pdf"));
  it("accepts junk before the header within 1024 bytes", () => expect(sniffPdf(bytes(" ".repeat(500) + "%PDF-1.4"))).toBe("pdf"));
  it("rejects a header past 1024 bytes", () => expect(sniffPdf(bytes(" ".repeat(1100) + "%PDF-1.4"))).toBe("not_pdf"));
  it("calls zero bytes empty", () => expect(sniffPdf(new Uint8Array(0))).toBe("empty"));
  it("rejects HTML", () => expect(sniffPdf(bytes("<!doctype html><html></html>"))).toBe("not_pdf"));
  it("rejects a JPEG", () => expect(sniffPdf(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toBe("not_pdf"));
});

describe("notPdfCode", () => {
  it("is the one code for refused bytes, in the API and in a document's failure", () => {
    expect(notPdfCode(bytes("%PDF-1.7\n..."))).toBeUndefined();
    expect(notPdfCode(new Uint8Array(0))).toBe("empty_file");
    expect(notPdfCode(bytes("<!doctype html>"))).toBe("not_pdf");
  });
});
