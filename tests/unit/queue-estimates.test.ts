import { QueueEstimates } from "@pagewise/web/live/queue-estimates";

/** The estimate arithmetic and the splice into a kept answer, with the two reads faked (pure logic). */
describe("QueueEstimates", () => {
  const now = Date.parse("2026-12-16T12:00:00.000Z");
  const body = (fields: Record<string, unknown>) =>
    Buffer.from(
      JSON.stringify({
        id: "0b7e9a5c-1111-4222-8333-444455556666",
        title: 'a "status":"queued" title',
        filename: "f.pdf",
        status: "queued",
        pageCount: null,
        pagesDone: 0,
        detector: null,
        ocr: false,
        reusedFrom: null,
        error: null,
        createdAt: "2026-12-16T11:59:00.000Z",
        ...fields,
        pages: [],
      }),
    );
  const fake = (pages: number, spanSeconds: number, ahead = { documents: 3, knownPages: 10, unknownDocuments: 1 }) => {
    const calls = { ahead: 0, throughput: 0 };
    const documents = {
      queueAhead: async () => (calls.ahead++, ahead),
      recentThroughput: async () => (calls.throughput++, { pages, spanSeconds, meanPagesPerDocument: 4 }),
    };
    return { estimates: new QueueEstimates(documents, { now: () => now }), calls };
  };

  it("adds ahead, start and finish to a queued document's answer: pages ahead (unknown ones at the mean) over pages/s", async () => {
    const { estimates } = fake(21, 10); // 2 pages/s
    const out = JSON.parse((await estimates.withQueue(body({}))).toString());
    // 10 known pages + 1 unknown document at 4 pages = 14 pages ahead = 7 s; its own 4 (unknown) = 2 s more.
    expect(out.queue).toEqual({ ahead: 3, estimatedStartAt: "2026-12-16T12:00:07.000Z", estimatedFinishAt: "2026-12-16T12:00:09.000Z", pagesPerSecond: 2 });
    expect(out.pages).toEqual([]);
  });

  it("gives a processing document its finish from the pages it has left, without reading the queue", async () => {
    const { estimates, calls } = fake(21, 10);
    const out = JSON.parse((await estimates.withQueue(body({ status: "processing", pageCount: 10, pagesDone: 4 }))).toString());
    expect(out.queue).toEqual({ estimatedFinishAt: "2026-12-16T12:00:03.000Z", pagesPerSecond: 2 });
    expect(calls.ahead).toBe(0);
  });

  it("leaves a finished document's answer as it is (the same bytes), reading nothing", async () => {
    const { estimates, calls } = fake(21, 10);
    const kept = body({ status: "succeeded" });
    expect(await estimates.withQueue(kept)).toBe(kept);
    expect(calls).toEqual({ ahead: 0, throughput: 0 });
  });

  it("says null when no pages were recorded lately, and reads the throughput once per refresh period", async () => {
    const { estimates, calls } = fake(1, 0);
    const out = JSON.parse((await estimates.withQueue(body({}))).toString());
    expect(out.queue).toEqual({ ahead: 3, estimatedStartAt: null, estimatedFinishAt: null, pagesPerSecond: null });
    await estimates.withQueue(body({}));
    expect(calls.throughput).toBe(1);
  });
});
