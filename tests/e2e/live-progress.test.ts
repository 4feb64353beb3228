import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { documentSchema, progressEventSchema, statusEventSchema } from "@pagewise/web/api-schemas";
import type { Service } from "../support/processes";
import { startStack, type Stack } from "../support/stack";
import { openSse } from "../support/sse";

/**
 * Live progress across processes: the worker (one process) finishes pages, BullMQ carries its events through
 * Redis, and the web process (another) streams them as SSE and answers long-polls. With an API key set, and
 * every web log line about the document carrying its id.
 */
describe("SSE and long-poll across real web and worker processes", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-live-e2e-"));
  const auth = { Authorization: "Bearer e2e-key" };
  let stack: Stack;
  let web: Service;
  let base: string;

  beforeAll(async () => {
    stack = await startStack("live-e2e", { DATA_DIR: dataDir, S3_BUCKET: "", LOG_LEVEL: "debug" });
    base = stack.base;
    [web] = await Promise.all([stack.startWeb({ API_KEY: "e2e-key" }), stack.startWorker()]);
  }, 60_000);

  afterAll(async () => {
    await stack.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function upload(file: string): Promise<string> {
    const { status, body } = await stack.upload(file, auth);
    expect(status).toBe(202);
    return documentSchema.parse(body).id;
  }

  it("streams status and every page's progress until the document succeeds", async () => {
    expect((await fetch(`${base}/api/documents`)).status).toBe(401);
    const id = await upload("rotated-arabic-4p.pdf");
    const sse = await openSse(`${base}/api/documents/${id}/events`, auth);
    expect(sse.response.status).toBe(200);
    const events = await sse.until((e) => e.event === "status" && JSON.parse(e.data).status === "succeeded", 120_000);
    sse.close();

    expect(events[0]!.event).toBe("status"); // the current state comes first
    const statuses = events.filter((e) => e.event === "status").map((e) => statusEventSchema.parse(JSON.parse(e.data)).status);
    expect(statuses.at(-1)).toBe("succeeded");
    expect(statuses.filter((s) => s === "succeeded")).toHaveLength(1);
    const pages = events.filter((e) => e.event === "progress").map((e) => progressEventSchema.parse(JSON.parse(e.data)));
    expect(pages.at(-1)).toEqual({ page: 4, of: 4 });
    for (let i = 1; i < pages.length; i++) expect(pages[i]!.page).toBeGreaterThanOrEqual(pages[i - 1]!.page);

    // Web log lines about this document carry its id (request log with a request id, and the SSE stream's own).
    await fetch(`${base}/api/documents/${id}`, { headers: auth });
    await web.waitForLine(new RegExp(`"documentId":"${id}".*"msg":"request completed"`), 10_000);
    const lines = web.lines.filter((l) => l.includes(id)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.some((l) => l.msg === "document accepted" && l.documentId === id)).toBe(true);
    expect(lines.some((l) => l.msg === "request completed" && l.documentId === id && typeof l.requestId === "string")).toBe(true);
    expect(lines.some((l) => l.msg === "event stream opened" && l.documentId === id)).toBe(true);
  }, 150_000);

  it("long-polls until the document's state changes", async () => {
    const id = await upload("text-1p-pdflatex.pdf");
    let state = "queued:0";
    const seen: string[] = [];
    while (!state.startsWith("succeeded")) {
      const res = await fetch(`${base}/api/documents/${id}?wait=30&since=${state}`, { headers: auth });
      const doc = documentSchema.parse(await res.json());
      const next = `${doc.status}:${doc.pagesDone}`;
      expect(next).not.toBe(state); // each answer is a change (the document finishes well within 30 s)
      seen.push((state = next));
      if (doc.status === "failed") throw new Error(JSON.stringify(doc.error));
    }
    expect(seen.at(-1)).toBe("succeeded:1");
  }, 120_000);

  it("/metrics (behind the key) counts documents by status from Postgres", async () => {
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(text).toMatch(/^pagewise_documents\{status="succeeded"\} [1-9]\d*$/m);
    expect(text).toMatch(/^pagewise_queue_jobs\{state="active"\} \d+$/m);
  });
});
