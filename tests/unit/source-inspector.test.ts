import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SNIFF_BYTES } from "@pagewise/core";
import { HttpError } from "@pagewise/web/http-error";
import { SourceInspector } from "@pagewise/web/source-storage";

/** Runs `chunks` through an inspector into a sink; resolves with what came out, or rejects as the inspector did. */
async function inspect(chunks: Buffer[], maxBytes = 1_000_000) {
  const inspector = new SourceInspector(maxBytes);
  const out: Buffer[] = [];
  const kind = inspector.kind.then((k) => k);
  const done = pipeline(Readable.from(chunks), inspector, async (source: AsyncIterable<Buffer>) => {
    for await (const chunk of source) out.push(chunk);
  });
  const [k] = await Promise.all([kind, done]);
  return { kind: k, out: Buffer.concat(out), size: inspector.bytesRead, sha256: inspector.sha256 };
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(5000, 0x20), Buffer.from("%%EOF\n")]);
const code = (error: unknown) => (error instanceof HttpError ? error.code : String(error));

describe("SourceInspector (an upload on its way to storage)", () => {
  it("passes every byte on unchanged, counts and hashes them, and tells the kind from a head split over chunks", async () => {
    const chunks = [pdf.subarray(0, 3), pdf.subarray(3, 700), pdf.subarray(700, 1500), pdf.subarray(1500)];
    const result = await inspect(chunks);
    expect(result).toEqual({ kind: "pdf", out: pdf, size: pdf.length, sha256: sha256(pdf) });
  });

  it("tells a file shorter than the sniffed head at its end", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    expect(await inspect([png])).toEqual({ kind: "png", out: png, size: png.length, sha256: sha256(png) });
  });

  it("finds %PDF- anywhere in the first SNIFF_BYTES, as the worker does", async () => {
    const late = Buffer.concat([Buffer.alloc(SNIFF_BYTES - 5, 0x20), Buffer.from("%PDF-1.4"), Buffer.alloc(3000, 0x20)]);
    expect((await inspect([late.subarray(0, 600), late.subarray(600)])).kind).toBe("pdf");
  });

  it.each([
    ["empty_file", [] as Buffer[]],
    ["not_pdf", [Buffer.from("<!doctype html>"), Buffer.alloc(4000, 0x20)]],
    ["not_pdf", [Buffer.alloc(SNIFF_BYTES, 0x20), Buffer.from("%PDF-1.4")]],
  ])("refuses with %s before passing a byte on", async (expected, chunks) => {
    const inspector = new SourceInspector(1_000_000);
    let passed = 0;
    const done = pipeline(Readable.from(chunks), inspector, async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) passed += chunk.length;
    });
    await expect(inspector.kind.catch(code)).resolves.toBe(expected);
    await expect(done.catch(code)).resolves.toBe(expected);
    expect(passed).toBe(0);
  });

  it("fails with file_too_large once a byte passes the limit", async () => {
    await expect(inspect([pdf.subarray(0, 3000), pdf.subarray(3000)], 4000).catch(code)).resolves.toBe("file_too_large");
    expect((await inspect([pdf], pdf.length)).size).toBe(pdf.length);
  });

  it("has no `size`: lib-storage's Upload takes a body's size for its total length (a 7 MB upload to S3 failed)", () => {
    expect("size" in new SourceInspector(10)).toBe(false);
  });

  it("rejects its kind with the stream's error when the stream fails before the head is known", async () => {
    const inspector = new SourceInspector(1_000_000);
    inspector.on("error", () => undefined);
    const cut = new Error("Unexpected end of form");
    inspector.write(pdf.subarray(0, 100));
    inspector.destroy(cut);
    await expect(inspector.kind).rejects.toBe(cut);
  });
});
