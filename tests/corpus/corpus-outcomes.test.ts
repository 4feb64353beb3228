import { corpusManifest, type CorpusEntry } from "../support/corpus";
import type { Service } from "../support/processes";
import { startStack, type Stack } from "../support/stack";
import { waitForJob } from "../support/services";

/**
 * Every file of the shared corpus, uploaded over HTTP to real web and worker processes, ends as its manifest
 * says: accepted and processed (every page), or rejected with a clear code — at upload when the bytes tell,
 * otherwise as a failed document. Afterwards the system still processes a good PDF normally.
 * Rendering at 36 dpi keeps the 1,536 pages quick; outcomes do not depend on resolution.
 */
const expectedRejectCode: Record<string, string> = {
  "encrypted-user-password.pdf": "pdf_encrypted",
  "corrupt-header-and-eof-only.pdf": "pdf_corrupt",
  "truncated-50pct.pdf": "pdf_corrupt",
  "empty-0-bytes.pdf": "empty_file",
  "not-pdf-html.pdf": "not_pdf",
};

/**
 * Files the manifest lists as rejected (not PDFs) that Pagewise takes as image documents since issue 18 (told by
 * their bytes, whatever their name): page count expected.
 */
const imageInputs: Record<string, number> = { "not-pdf-jpeg.pdf": 1 };

type Outcome = { outcome: "ok" | "reject"; code?: string; pages?: number; at: "upload" | "worker" };

describe("the whole corpus through the service", () => {
  let stack: Stack;
  let worker: Service;
  const outcomes = new Map<string, Outcome>();
  // Small files first; the 1,370-page manual last, so everything else finishes while it runs.
  const entries = corpusManifest().sort((a, b) => (a.pages === 1370 ? 1 : 0) - (b.pages === 1370 ? 1 : 0));

  beforeAll(async () => {
    stack = await startStack("corpus", { RENDER_DPI: "36", DETECTOR_MAX_SIDE: "320", PAGE_TIMEOUT_SECONDS: "60" });
    await stack.startWeb();
    worker = await stack.startWorker();
    const accepted: Array<[CorpusEntry, string]> = [];
    for (const entry of entries) {
      const { status, body } = await stack.upload(entry.file);
      if (status === 202) accepted.push([entry, body.id as string]);
      else outcomes.set(entry.file, { outcome: "reject", code: (body.error as { code: string }).code, at: "upload" });
    }
    for (const [entry, id] of accepted) {
      await waitForJob(stack.prefix, id, 600_000);
      const doc = await stack.get<{ status: string; pageCount: number; pagesDone: number; error: { code: string } | null }>(
        `/api/documents/${id}`,
      );
      outcomes.set(
        entry.file,
        doc.status === "succeeded"
          ? { outcome: "ok", pages: doc.pagesDone, at: "worker" }
          : { outcome: "reject", code: doc.error?.code, at: "worker" },
      );
    }
  }, 900_000);

  afterAll(async () => {
    await stack.stop();
  });

  it.each(corpusManifest().map((e) => [e.file, e] as const))("%s ends as the manifest says", (file, entry) => {
    const outcome = outcomes.get(file);
    expect(outcome).toBeDefined();
    if (imageInputs[file]) return expect(outcome).toEqual({ outcome: "ok", pages: imageInputs[file], at: "worker" });
    expect(entry.accept).toContain(outcome!.outcome);
    if (outcome!.outcome === "ok" && typeof entry.pages === "number") expect(outcome!.pages).toBe(entry.pages);
    if (outcome!.outcome === "reject") expect(outcome!.code).toBe(expectedRejectCode[file] ?? outcome!.code);
    if (expectedRejectCode[file]) expect(outcome).toMatchObject({ outcome: "reject", code: expectedRejectCode[file] });
  });

  it("processes the 1,370-page manual without a stalled job or a lost lock (CPU work runs in the compute child)", () => {
    expect(worker.lines.filter((l) => /stalled|missing lock|lock mismatch/i.test(l))).toEqual([]);
  });

  it("rejects what the bytes tell at upload, with 4xx JSON errors", () => {
    for (const file of ["empty-0-bytes.pdf", "not-pdf-html.pdf"]) expect(outcomes.get(file)?.at).toBe("upload");
  });

  it("still processes a good PDF normally after the whole corpus", async () => {
    const { status, body } = await stack.upload("multicolumn-latex.pdf");
    expect(status).toBe(202);
    expect(await waitForJob(stack.prefix, body.id as string, 60_000)).toBe("completed");
    expect(await stack.get(`/api/documents/${body.id}`)).toMatchObject({ status: "succeeded", pagesDone: 3 });
  });
});
