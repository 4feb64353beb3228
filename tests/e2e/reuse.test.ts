import fs from "node:fs";
import { closeDb } from "@pagewise/db";
import { createObjectStore } from "@pagewise/storage";
import { corpusFile, testDb, waitForJob } from "../support/services";
import { startStack, type Stack } from "../support/stack";

type Page = { number: number; width: number; height: number; detections: number; imageUrl: string; jsonUrl: string };
type Doc = { id: string; status: string; pageCount: number; pagesDone: number; ocr: boolean; reusedFrom: string | null; pages: Page[] };

/**
 * Reuse by content, end to end (compiled web and worker, PostgreSQL, Redis, s3rver): the same bytes with the same
 * detector, DPI and OCR setting answer at once with a new document holding copies of the results under its own
 * storage prefix, so removing either document's objects leaves the other whole.
 */
describe("upload with reuse=true (real processes, S3)", () => {
  const file = "multicolumn-latex.pdf";
  const bytes = fs.readFileSync(corpusFile(file));
  let stack: Stack;
  let original: Doc;
  const db = testDb();
  const store = () => createObjectStore(stack.s3.config);

  beforeAll(async () => {
    stack = await startStack("reuse");
    await Promise.all([stack.startWeb(), stack.startWorker()]);
    const { status, body } = await stack.uploadBytes(bytes, file);
    expect(status).toBe(202);
    expect(await waitForJob(stack.prefix, body.id as string, 120_000)).toBe("completed");
    original = await stack.get<Doc>(`/api/documents/${body.id as string}`);
  }, 180_000);

  afterAll(async () => {
    await stack.stop();
    await closeDb(db);
  });

  const jsonOf = async (url: string) => (await fetch(url)).json();

  it("stores each upload's sha256, and the worker's detector and DPI", async () => {
    const row = await db.document.findUniqueOrThrow({ where: { id: original.id } });
    const { createHash } = await import("node:crypto");
    expect({ sha: row.sourceSha256, detector: row.detector, dpi: row.dpi }).toEqual({
      sha: createHash("sha256").update(bytes).digest("hex"),
      detector: "ppocr-det-int8",
      dpi: 150,
    });
  });

  it("answers 201 at once with a succeeded copy marked reusedFrom, whose objects are its own", async () => {
    const { status, body, location } = await stack.uploadBytes(bytes, "again.pdf", { reuse: "true" });
    expect(status).toBe(201);
    const copy = body as unknown as Doc;
    expect(location).toBe(`/api/documents/${copy.id}`);
    expect(copy).toMatchObject({ status: "succeeded", reusedFrom: original.id, pageCount: original.pageCount, pagesDone: original.pagesDone });
    expect(copy.id).not.toBe(original.id);
    expect(copy.pages.map(({ number, width, height, detections }) => ({ number, width, height, detections }))).toEqual(
      original.pages.map(({ number, width, height, detections }) => ({ number, width, height, detections })),
    );
    for (const [i, page] of copy.pages.entries()) {
      expect(page.imageUrl).toContain(`documents/${copy.id}/pages/${page.number}.png`);
      expect(await jsonOf(page.jsonUrl)).toEqual(await jsonOf(original.pages[i]!.jsonUrl));
    }
    const keys = await stack.s3.listKeys(`documents/${copy.id}/`);
    expect(keys).toEqual(
      [`documents/${copy.id}/source.pdf`, ...copy.pages.flatMap((p) => [`documents/${copy.id}/pages/${p.number}.json`, `documents/${copy.id}/pages/${p.number}.png`])].sort(),
    );

    // Deleting the original's objects (what DELETE does to its prefix) leaves the copy whole.
    await store().deletePrefix(`documents/${original.id}/`);
    const served = await stack.get<Doc>(`/api/documents/${copy.id}`);
    for (const page of served.pages) {
      const png = await fetch(page.imageUrl);
      expect([page.number, png.status]).toEqual([page.number, 200]);
      expect((await jsonOf(page.jsonUrl)).number).toBe(page.number);
    }
  });

  it("does not reuse across OCR settings, nor without reuse=true: those are queued and processed", async () => {
    const withOcr = await stack.uploadBytes(bytes, file, { reuse: "true", ocr: "true" });
    expect([withOcr.status, withOcr.body.status, withOcr.body.reusedFrom]).toEqual([202, "queued", null]);
    expect((await stack.post(`/api/documents/${withOcr.body.id as string}/cancel`)).status).toBe(200); // not needed further
    const plain = await stack.uploadBytes(bytes, file);
    expect([plain.status, plain.body.status, plain.body.reusedFrom]).toEqual([202, "queued", null]);
    expect(await waitForJob(stack.prefix, plain.body.id as string, 120_000)).toBe("completed");
  }, 150_000);

  it("refuses a reuse field that is not a boolean with 400 bad_reuse", async () => {
    const { status, body } = await stack.uploadBytes(bytes, file, { reuse: "maybe" });
    expect([status, (body.error as { code: string }).code]).toEqual([400, "bad_reuse"]);
  });

  it("reuses through the direct-upload flow (JSON { uploadId, reuse: true })", async () => {
    const announce = await fetch(`${stack.base}/api/uploads`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ filename: file, contentType: "application/pdf", size: bytes.length }),
    });
    expect(announce.status).toBe(201);
    const upload = (await announce.json()) as { uploadId: string; url: string; headers: Record<string, string> };
    const put = await fetch(upload.url, { method: "PUT", body: new Uint8Array(bytes), headers: { ...upload.headers, "Content-Length": String(bytes.length) } });
    expect(put.status).toBe(200);
    const res = await fetch(`${stack.base}/api/documents`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ uploadId: upload.uploadId, reuse: true }),
    });
    const doc = (await res.json()) as Doc;
    expect([res.status, doc.status]).toEqual([201, "succeeded"]);
    expect(doc.reusedFrom).not.toBeNull();
    expect((await fetch(doc.pages[0]!.imageUrl)).status).toBe(200);
    // The same upload again answers the same document.
    const again = await fetch(`${stack.base}/api/documents`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ uploadId: upload.uploadId, reuse: true }),
    });
    expect(((await again.json()) as Doc).id).toBe(doc.id);
  });

  it("processes the upload as usual when every match's objects are gone", async () => {
    const matches = await db.document.findMany({ where: { sourceSha256: (await db.document.findUniqueOrThrow({ where: { id: original.id } })).sourceSha256, status: "succeeded" } });
    for (const match of matches) await store().deletePrefix(`documents/${match.id}/pages/`);
    const { status, body } = await stack.uploadBytes(bytes, file, { reuse: "true" });
    expect([status, body.status, body.reusedFrom]).toEqual([202, "queued", null]);
    expect(await stack.s3.listKeys(`documents/${body.id as string}/pages/`)).toEqual([]);
    expect(await waitForJob(stack.prefix, body.id as string, 120_000)).toBe("completed");
    expect((await stack.get<Doc>(`/api/documents/${body.id as string}`)).status).toBe("succeeded");
  }, 150_000);
});
