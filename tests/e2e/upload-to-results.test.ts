import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pageResultSchema } from "@pagewise/web/api-schemas";
import { corpusEntry } from "../support/corpus";
import type { Service } from "../support/processes";
import { startStack, type Stack } from "../support/stack";
import { waitForJob } from "../support/services";

/**
 * The whole path, for real: the compiled web and worker processes, real PostgreSQL, Redis and an S3 server,
 * corpus PDFs uploaded over HTTP, waiting on BullMQ events (never sleeps) with a deadline.
 */
describe("upload → queue → worker → S3 → status (real processes)", () => {
  const modulesDir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-e2e-"));
  const modulesFile = path.join(modulesDir, "web-modules.txt");
  const recordModules = ["-r", path.join(__dirname, "../support/record-modules.js")];
  let stack: Stack;
  let web: Service;
  let worker: Service;

  beforeAll(async () => {
    stack = await startStack("e2e");
    [web, worker] = await Promise.all([
      stack.startWeb({ RECORD_MODULES_FILE: modulesFile }, recordModules),
      stack.startWorker({ RECORD_MODULES_FILE: path.join(modulesDir, "worker-%p.txt") }, recordModules),
    ]);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
  });

  async function upload(file: string): Promise<string> {
    const { status, body, location } = await stack.upload(file);
    expect(status).toBe(202);
    expect(body.status).toBe("queued");
    expect(location).toBe(`/api/documents/${body.id}`);
    return body.id as string;
  }

  const getJson = (url: string) => stack.get(url);

  const good = [
    "text-1p-pdflatex.pdf",
    "multicolumn-latex.pdf",
    "scanned-book-page.pdf",
    "rotated-arabic-4p.pdf",
    "slides-beamer-conference-talk.pdf",
  ];

  it("processes real PDFs page by page and serves every page's annotated PNG and JSON", async () => {
    const ids = new Map<string, string>();
    for (const file of good) ids.set(file, await upload(file));
    for (const [file, id] of ids) {
      expect(await waitForJob(stack.prefix, id, 240_000)).toBe("completed");
      const pages = corpusEntry(file).pages as number;
      const doc = (await getJson(`/api/documents/${id}`)) as {
        status: string;
        pageCount: number;
        pagesDone: number;
        error: unknown;
        startedAt: string;
        finishedAt: string;
        pages: Array<{ number: number; width: number; height: number; detections: number; imageUrl: string; jsonUrl: string }>;
      };
      expect({ file, status: doc.status, pageCount: doc.pageCount, pagesDone: doc.pagesDone, error: doc.error }).toEqual({
        file,
        status: "succeeded",
        pageCount: pages,
        pagesDone: pages,
        error: null,
      });
      expect(doc.pages.map((p) => p.number)).toEqual(Array.from({ length: pages }, (_, i) => i + 1));
      expect(new Date(doc.finishedAt).getTime()).toBeGreaterThanOrEqual(new Date(doc.startedAt).getTime());

      for (const page of doc.pages.slice(0, 4)) {
        const png = Buffer.from(await (await fetch(page.imageUrl)).arrayBuffer());
        expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
        expect(png.readUInt32BE(16)).toBe(page.width);
        expect(png.readUInt32BE(20)).toBe(page.height);
        const stored = pageResultSchema.parse(await getJson(page.jsonUrl));
        const served = await getJson(`/api/documents/${id}/pages/${page.number}`);
        expect(served).toMatchObject({ number: page.number, width: page.width, height: page.height });
        expect(served.detections).toEqual(stored.detections);
        expect(stored.detections).toHaveLength(page.detections);
        for (const d of stored.detections) {
          expect(d.box[0]).toBeGreaterThanOrEqual(0);
          expect(d.box[2]).toBeLessThanOrEqual(page.width);
          expect(d.box[3]).toBeLessThanOrEqual(page.height);
        }
      }
      // Pages with text get text boxes.
      if (file !== "scanned-book-page.pdf") expect(doc.pages[0]!.detections).toBeGreaterThan(0);
    }
    // /Rotate 90 and 270 come out upright: landscape rasters of a portrait A4 page.
    const rotated = (await getJson(`/api/documents/${ids.get("rotated-arabic-4p.pdf")}`)) as { pages: Array<{ width: number; height: number }> };
    expect(rotated.pages.map((p) => p.width > p.height)).toEqual([true, false, true, false]);
  }, 300_000);

  it("ends a password-protected PDF as failed with pdf_encrypted, and keeps serving", async () => {
    const id = await upload("encrypted-user-password.pdf");
    expect(await waitForJob(stack.prefix, id, 60_000)).toBe("failed");
    const doc = await getJson(`/api/documents/${id}`);
    expect(doc).toMatchObject({ status: "failed", error: { code: "pdf_encrypted", message: expect.any(String) } });
    const next = await upload("text-1p-pdflatex.pdf");
    expect(await waitForJob(stack.prefix, next, 60_000)).toBe("completed");
  }, 120_000);

  it("answers readiness and health", async () => {
    expect((await fetch(`${stack.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${stack.base}/readyz`)).status).toBe(200);
  });

  it("the web process never loaded the detector, onnxruntime, canvas or pdf.js, and both exit cleanly on SIGTERM", async () => {
    expect(await web.stop("SIGTERM", 30_000)).toBe(0);
    expect(await worker.stop("SIGTERM", 30_000)).toBe(0);
    const loaded = fs.readFileSync(modulesFile, "utf8").split("\n");
    expect(loaded.some((m) => m.includes("/apps/web/dist/"))).toBe(true);
    expect(loaded.filter((m) => /onnxruntime|@napi-rs[\\/]canvas|pdfjs-dist|[\\/]sharp[\\/]|@img[\\/]|libvips|packages[\\/](detector|pdf)[\\/]/.test(m))).toEqual([]);
  }, 70_000);

  it("the worker process wrote every document through pg and never loaded Prisma's client (it shares the dyno with the compute child)", () => {
    // Runs after the SIGTERM above, which made the worker write the modules it loaded.
    const loaded = fs.readFileSync(path.join(modulesDir, `worker-${worker.child.pid}.txt`), "utf8").split("\n");
    expect(loaded.some((m) => m.includes("/apps/worker/dist/main.js"))).toBe(true);
    expect(loaded.some((m) => /node_modules[\\/]pg[\\/]/.test(m))).toBe(true);
    expect(loaded.filter((m) => /@prisma[\\/]|generated[\\/]prisma[\\/](client|internal)/.test(m))).toEqual([]);
  });
});
