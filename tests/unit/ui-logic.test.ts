import { buildDocumentExport, exportFilename } from "../../apps/ui/src/document-export";
import { polygonPoints, scoreHue } from "../../apps/ui/src/overlay-geometry";
import { formatDuration, progressInfo, secondsLeft } from "../../apps/ui/src/progress";
import { SseParser } from "../../apps/ui/src/sse-parser";
import { acceptAttribute, acceptedTypeOf } from "../../apps/ui/src/upload";

describe("progress and ETA (the page's progress bar)", () => {
  const start = Date.parse("2026-01-01T00:00:00Z");

  it("estimates the time left from pages per second so far", () => {
    expect(secondsLeft(2, 10, start, start + 10_000)).toBe(40); // 0.2 pages/s, 8 pages left
    expect(secondsLeft(0, 10, start, start + 10_000)).toBeNull(); // no speed yet
    expect(secondsLeft(10, 10, start, start + 10_000)).toBeNull(); // done
    expect(secondsLeft(2, null, start, start + 10_000)).toBeNull(); // page count unknown
    expect(secondsLeft(2, 10, null, start)).toBeNull();
  });

  it("formats durations for people", () => {
    expect([formatDuration(0.2), formatDuration(44), formatDuration(90), formatDuration(3 * 3600 + 300)]).toEqual(["1 s", "44 s", "2 min", "3 h 5 min"]);
  });

  it("labels every status, with an indeterminate bar only while the page count is unknown", () => {
    const base = { pagesDone: 0, pageCount: null, startedAt: null };
    expect(progressInfo({ ...base, status: "queued" }, start)).toEqual({ fraction: 0, label: "Waiting in the queue", eta: "" });
    expect(progressInfo({ ...base, status: "processing" }, start)).toEqual({ fraction: null, label: "Opening the PDF", eta: "" });
    expect(progressInfo({ status: "processing", pagesDone: 3, pageCount: 12, startedAt: new Date(start).toISOString() }, start + 30_000)).toEqual({
      fraction: 0.25,
      label: "Page 3 of 12",
      eta: "about 2 min left",
    });
    expect(progressInfo({ ...base, status: "succeeded", pagesDone: 1, pageCount: 1 }, start)).toMatchObject({ fraction: 1, label: "1 page done" });
    expect(progressInfo({ ...base, status: "failed" }, start)).toMatchObject({ fraction: 0, label: "No pages processed" });
    expect(progressInfo({ ...base, status: "cancelled", pagesDone: 2, pageCount: 4 }, start)).toMatchObject({ fraction: 0.5, label: "Stopped at page 2 of 4" });
  });
});

describe("SSE parser (fetch-based EventSource)", () => {
  it("parses named events, multi-line data, comments and chunks split anywhere", () => {
    const stream = 'retry: 3000\n\n: heartbeat\n\nevent: status\ndata: {"status":"queued"}\n\nevent: progress\r\ndata: {"page":1,\r\ndata: "of":3}\r\n\r\ndata: plain\n\n';
    const parser = new SseParser();
    const events = [];
    for (let i = 0; i < stream.length; i += 7) events.push(...parser.push(stream.slice(i, i + 7)));
    expect(events).toEqual([
      { event: "status", data: '{"status":"queued"}' },
      { event: "progress", data: '{"page":1,\n"of":3}' },
      { event: "message", data: "plain" },
    ]);
  });
});

describe("overlay geometry and exports", () => {
  it("draws the polygon when there is one, else the box", () => {
    expect(polygonPoints({ box: [1, 2, 3, 4], polygon: [] })).toBe("1,2 3,2 3,4 1,4");
    expect(polygonPoints({ box: [0, 0, 9, 9], polygon: [[0.04, 0], [9, 0.25], [9, 9]] })).toBe("0,0 9,0.3 9,9");
    expect(scoreHue(0)).toBe(40);
    expect(scoreHue(1)).toBe(170);
    expect(scoreHue(7)).toBe(170);
  });

  it("builds the whole-document JSON from page results in page order", () => {
    const doc = {
      id: "d", title: "T", filename: "t.pdf", status: "succeeded" as const, pageCount: 2, pagesDone: 2, detector: "ppocr-det",
      error: null, createdAt: "c", startedAt: "s", finishedAt: "f", ocr: false, expiresAt: null, webhook: null, reusedFrom: null, url: "/api/documents/d",
    };
    const page = (number: number) => ({ number, width: 10, height: 20, scale: 2, rotation: 0, detector: "ppocr-det", detections: [] });
    const out = buildDocumentExport(doc, [page(2), page(1)]);
    expect(out.pages.map((p) => p.number)).toEqual([1, 2]);
    expect(out.document).toMatchObject({ id: "d", title: "T", pageCount: 2 });
    expect(exportFilename("Annual Report: 2024!")).toBe("annual-report-2024.json");
    expect(exportFilename("###", "-page-3")).toBe("document-page-3.json");
  });
});

describe("accepted upload types (apps/ui/src/upload.ts)", () => {
  it("takes PDFs and PNG, JPEG, WebP and TIFF images by type or extension, and nothing else", () => {
    expect(acceptedTypeOf({ name: "a.PDF", type: "" })).toBe("application/pdf");
    expect(acceptedTypeOf({ name: "scan", type: "image/tiff" })).toBe("image/tiff");
    expect(acceptedTypeOf({ name: "scan.TIF", type: "" })).toBe("image/tiff");
    expect(acceptedTypeOf({ name: "photo.jpeg", type: "" })).toBe("image/jpeg");
    expect(acceptedTypeOf({ name: "p.webp", type: "" })).toBe("image/webp");
    expect(acceptedTypeOf({ name: "anim.gif", type: "image/gif" })).toBeUndefined();
    expect(acceptAttribute.split(",")).toEqual(expect.arrayContaining(["application/pdf", ".pdf", "image/png", ".jpg", "image/webp", ".tiff"]));
  });
});
