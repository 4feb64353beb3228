import fs from "node:fs";
import { pageResultSchema } from "@pagewise/web/api-schemas";
import { startStack, type Stack } from "../support/stack";
import { corpusFile, waitForJob } from "../support/services";

/** Upload with ocr=true → text on each detection; then the whole-document exports, JSON and COCO. */
describe("OCR on upload and document exports (real processes)", () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack("export");
    await Promise.all([stack.startWeb(), stack.startWorker()]);
  }, 90_000);
  afterAll(() => stack?.stop());

  async function uploadWith(file: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(corpusFile(file))], { type: "application/pdf" }), file);
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const res = await fetch(`${stack.base}/api/documents`, { method: "POST", body: form });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it("rejects an ocr field that is not a boolean", async () => {
    const { status, body } = await uploadWith("text-1p-pdflatex.pdf", { ocr: "perhaps" });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: "bad_ocr" } });
  });

  it("recognises text when asked, and exports the document as JSON and COCO", async () => {
    const { status, body } = await uploadWith("text-1p-pdflatex.pdf", { ocr: "true" });
    expect(status).toBe(202);
    const id = body.id as string;
    expect(body.ocr).toBe(true);
    expect(await waitForJob(stack.prefix, id, 120_000)).toBe("completed");

    const page = pageResultSchema.parse(await stack.get(`/api/documents/${id}/pages/1`));
    expect(page.detections.every((d) => typeof d.text === "string" && typeof d.textScore === "number" && d.pdf)).toBe(true);
    expect(page.detections.map((d) => d.text).join(" ")).toMatch(/[A-Za-z]{4,}/);

    const json = await stack.get<{ document: { id: string; status: string; partial: boolean }; pages: unknown[] }>(`/api/documents/${id}/export?format=json`);
    expect(json.document).toMatchObject({ id, status: "succeeded", partial: false });
    expect(json.pages).toHaveLength(1);
    expect(pageResultSchema.parse(json.pages[0])).toMatchObject({ number: 1, width: page.width, detections: page.detections });

    const coco = await stack.get<{ images: Array<{ id: number; width: number; height: number }>; annotations: Array<Record<string, unknown>>; categories: Array<{ id: number; name: string }> }>(
      `/api/documents/${id}/export?format=coco`,
    );
    expect(coco.images).toEqual([{ id: 1, file_name: "pages/1.png", width: page.width, height: page.height }]);
    expect(coco.categories).toEqual([{ id: 1, name: "text", supercategory: "document" }]);
    expect(coco.annotations).toHaveLength(page.detections.length);
    const [d] = page.detections;
    expect(coco.annotations[0]).toMatchObject({ id: 1, image_id: 1, category_id: 1, iscrowd: 0, bbox: [d.box[0], d.box[1], d.box[2] - d.box[0], d.box[3] - d.box[1]], text: d.text });
  });

  it("answers 404 for an unknown document and 409 for one not finished unless partial=true", async () => {
    const missing = await fetch(`${stack.base}/api/documents/00000000-0000-4000-8000-000000000000/export`);
    expect(missing.status).toBe(404);
    const { body } = await uploadWith("text-1p-pdflatex.pdf", {});
    const id = body.id as string;
    const cancelled = await stack.post(`/api/documents/${id}/cancel`);
    expect([200, 202, 409]).toContain(cancelled.status);
    const status = (await stack.get<{ status: string }>(`/api/documents/${id}`)).status;
    if (status !== "succeeded") {
      const conflict = await fetch(`${stack.base}/api/documents/${id}/export?format=coco`);
      expect(conflict.status).toBe(409);
      expect(await conflict.json()).toMatchObject({ error: { code: "not_finished" } });
      const partial = await stack.get<{ info: { pagewise: { partial: boolean } }; images: unknown[] }>(`/api/documents/${id}/export?format=coco&partial=true`);
      expect(partial.info.pagewise.partial).toBe(true);
    }
    const bad = await fetch(`${stack.base}/api/documents/${id}/export?format=xml`);
    expect(bad.status).toBe(400);
  });
});
