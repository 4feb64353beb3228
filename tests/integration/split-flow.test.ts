import { randomUUID } from "node:crypto";
import { Queue, UnrecoverableError, Worker, type Job } from "bullmq";
import { connectRedis, DocumentQueue, QueueName, rangeJobId, type RedisClient } from "@pagewise/queue";
import { obliterate, randomPrefix, testConnection, testRedis } from "../support/services";

/**
 * The BullMQ flow a split document is (docs/splitting.md), on real Redis: its job is the parent of its page ranges
 * (DocumentQueue.enqueueRanges), waits for them, and is what cancel, retry and DELETE remove (removeJob).
 */
describe("a split document's flow of page-range jobs (real Redis)", () => {
  const prefix = randomPrefix("flow");
  let redis: RedisClient;
  let queue: DocumentQueue;
  let inspect: Queue;
  let fetcher: Worker;
  let n = 0;

  beforeAll(async () => {
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    inspect = new Queue(QueueName.Documents, { connection: testConnection(), prefix });
    fetcher = new Worker(QueueName.Documents, null, { connection: testConnection(), prefix, autorun: false });
  });
  afterAll(async () => {
    await fetcher.close();
    await queue.close();
    await inspect.close();
    redis.disconnect();
    await obliterate(prefix);
  });

  const next = async (token: string): Promise<Job> => {
    const job = await fetcher.getNextJob(token);
    if (!job) throw new Error("no job to take");
    return job;
  };
  const ranges = (documentId: string) =>
    [
      { first: 1, last: 4 },
      { first: 5, last: 8 },
      { first: 9, last: 10 },
    ].map(({ first, last }) => ({ documentId, firstPage: first, lastPage: last, deadline: Date.now() + 60_000 }));

  /** A document's job taken by a worker, which splits it into three ranges and waits for them. */
  async function splitDocument() {
    const documentId = randomUUID();
    await queue.enqueueProcessDocument({ documentId });
    const token = `parent-${(n += 1)}`;
    const parent = await next(token);
    expect(parent.id).toBe(documentId);
    const asParent = { id: documentId, queue: parent.queueQualifiedName };
    await queue.enqueueRanges(asParent, ranges(documentId));
    await queue.enqueueRanges(asParent, ranges(documentId)); // a parent that crashed and split again: no new jobs
    expect(await parent.moveToWaitingChildren(token)).toBe(true);
    return { documentId, parent };
  }

  it("adds each range once, as a child the parent waits for, under its own job id", async () => {
    const { documentId } = await splitDocument();
    expect(await inspect.getJobState(documentId)).toBe("waiting-children");
    const parent = await inspect.getJob(documentId);
    expect(await parent!.getDependenciesCount({ unprocessed: true })).toEqual({ unprocessed: 3 });
    const range = await inspect.getJob(rangeJobId(documentId, 5, 8));
    expect(range?.data).toMatchObject({ documentId, firstPage: 5, lastPage: 8 });
    expect(range?.parentKey).toBe(`${prefix}:${QueueName.Documents}:${documentId}`);
    expect(await queue.removeJob(documentId)).toBe(true); // nothing runs yet: the parent goes with its ranges
    expect(await inspect.getJob(rangeJobId(documentId, 1, 4))).toBeUndefined();
  });

  it("removeJob while a range runs: the waiting ranges go, the running one ends, then the parent runs again", async () => {
    const { documentId } = await splitDocument();
    const running = await next("range-1");
    expect(running.id).toBe(rangeJobId(documentId, 1, 4));
    expect(await queue.removeJob(documentId)).toBe(false); // a range holds its lock
    expect(await inspect.getJob(rangeJobId(documentId, 5, 8))).toBeUndefined();
    expect(await inspect.getJob(rangeJobId(documentId, 9, 10))).toBeUndefined();
    expect(await inspect.getJobState(documentId)).toBe("waiting-children");
    await running.moveToCompleted("cancelled", "range-1", false);
    expect(await inspect.getJobState(documentId)).toBe("waiting"); // its next run finds the document cancelled
    expect(await inspect.getJob(running.id as string)).toBeUndefined(); // completed ranges are removed at once
    expect(await queue.removeJob(documentId)).toBe(true);
  });

  it("a range that fails for good fails its parent, which can tell that a range failed", async () => {
    const { documentId } = await splitDocument();
    const range = await next("range-2");
    await range.moveToFailed(new UnrecoverableError("timeout"), "range-2", false);
    const parent = await inspect.getJob(documentId);
    // failParentOnFailure: the parent is moved on to be failed by the next worker that takes it.
    expect(await parent!.getDependenciesCount({ failed: true })).toEqual({ failed: 1 });
    expect(await inspect.getJobState(documentId)).not.toBe("waiting-children");
    // Retry removes the parent with every range, the failed one included, so all ids are free again.
    expect(await queue.removeJob(documentId)).toBe(true);
    expect(await inspect.getJob(range.id as string)).toBeUndefined();
    expect(await inspect.getJob(rangeJobId(documentId, 5, 8))).toBeUndefined();
  });
});
