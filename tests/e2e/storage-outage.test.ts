import { startStack, type Stack } from "../support/stack";
import { waitForJob } from "../support/services";

const pageDoneLine = (id: string, page: number) => new RegExp(`"documentId":"${id}".*"page":${page},.*"msg":"page done"`);

describe("transient failures retry with backoff (real processes)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack("outage", { RENDER_DPI: "72" });
    await stack.startWeb();
  });
  afterAll(async () => {
    await stack.stop();
  });

  it("S3 goes away mid-document and comes back: the document still succeeds, each page once", async () => {
    const worker = await stack.startWorker();
    const { body } = await stack.upload("slides-beamer-conference-talk.pdf");
    const id = body.id as string;
    await worker.waitForLine(pageDoneLine(id, 3), 60_000);
    await stack.s3.pause();
    await worker.waitForLine(new RegExp(`"documentId":"${id}".*document attempt failed`), 60_000);
    await stack.s3.resume();
    expect(await waitForJob(stack.prefix, id, 120_000)).toBe("completed");
    const doc = await stack.get<{ status: string; pagesDone: number; pages: unknown[] }>(`/api/documents/${id}`);
    expect(doc).toMatchObject({ status: "succeeded", pagesDone: 31 });
    expect(doc.pages).toHaveLength(31);
    const keys = await stack.s3.listKeys(`documents/${id}/pages/`);
    expect(keys).toHaveLength(62);
    await worker.stop("SIGTERM");
  }, 240_000);
});
