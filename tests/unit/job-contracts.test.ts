import fs from "node:fs";
import path from "node:path";
import type { Cluster, Redis } from "ioredis";
import { createRedisClient, defaultJobOptions, isJobName, JobName, parseJobPayload, rangeJobId } from "@pagewise/queue";
import { assertEveryJobHasHandler } from "@pagewise/worker/handlers";

const id = "7d5c2f9e-3b1a-4c2d-9e8f-0a1b2c3d4e5f";

describe("job contracts", () => {
  it("accepts an id-only payload", () => {
    expect(parseJobPayload(JobName.ProcessDocument, { documentId: id })).toEqual({ documentId: id });
  });

  it("rejects bad or missing ids", () => {
    expect(() => parseJobPayload(JobName.ProcessDocument, { documentId: "42" })).toThrow();
    expect(() => parseJobPayload(JobName.ProcessDocument, {})).toThrow();
    expect(() => parseJobPayload(JobName.ProcessDocument, null)).toThrow();
  });

  it("a page range: ids and page numbers, never data; its job id is not the document id and has no ':'", () => {
    const range = { documentId: id, firstPage: 25, lastPage: 48, deadline: 1_800_000_000_000 };
    expect(parseJobPayload(JobName.ProcessRange, { ...range, pages: [1, 2] })).toEqual(range);
    expect(() => parseJobPayload(JobName.ProcessRange, { ...range, firstPage: 0 })).toThrow();
    expect(() => parseJobPayload(JobName.ProcessRange, { ...range, lastPage: 2.5 })).toThrow();
    expect(rangeJobId(id, 25, 48)).toBe(`${id}-pages-25-48`);
    expect(defaultJobOptions[JobName.ProcessRange]).toMatchObject({ failParentOnFailure: true, removeOnComplete: true });
  });

  it("takes an empty payload for housekeeping", () => {
    expect(parseJobPayload(JobName.Housekeeping, {})).toEqual({});
  });

  describe("rolling deploys", () => {
    const previous = JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures/job-payloads.json"), "utf8")) as {
      releases: { commit: string; jobs: { name: string; data: unknown }[] }[];
    };
    const jobs = previous.releases.flatMap((release) => release.jobs.map((job) => ({ ...job, commit: release.commit })));

    it.each(jobs)("parses what release $commit wrote for $name", ({ name, data }) => {
      expect(isJobName(name)).toBe(true);
      expect(parseJobPayload(name as JobName, data)).toEqual(data);
    });

    it("covers every job name of this release, so the next one has a fixture to parse", () => {
      expect(new Set(jobs.map((job) => job.name))).toEqual(new Set(Object.values(JobName)));
    });

    it("drops a field a newer release added instead of failing the job (data never reaches a handler)", () => {
      expect(parseJobPayload(JobName.ProcessDocument, { documentId: id, priority: "high", pdf: "JVBERi0..." })).toEqual({ documentId: id });
      expect(parseJobPayload(JobName.Housekeeping, { documentId: id, dryRun: true })).toEqual({});
    });
  });

  it("knows its job names", () => {
    expect(isJobName("process-document")).toBe(true);
    expect(isJobName("nope")).toBe(false);
  });

  it("retries with exponential backoff and jitter by default", () => {
    const options = defaultJobOptions[JobName.ProcessDocument];
    expect(options.attempts).toBeGreaterThan(1);
    expect(options.backoff).toMatchObject({ type: "exponential" });
  });
});

describe("worker handler registry", () => {
  it("refuses to start when a job name has no handler", () => {
    expect(() => assertEveryJobHasHandler({})).toThrow(/process-document/);
    expect(() => assertEveryJobHasHandler({ [JobName.ProcessDocument]: async () => undefined })).toThrow(/housekeeping/);
    const all = Object.fromEntries(Object.values(JobName).map((name) => [name, async () => undefined]));
    expect(() => assertEveryJobHasHandler(all)).not.toThrow();
  });
});

describe("Redis connections (createRedisClient, behind connectRedis)", () => {
  const standalone = (url: string, rejectUnauthorized = true) => ({ url, rejectUnauthorized });

  it("never gives up on worker commands and fails fast for producers", () => {
    const worker = createRedisClient("worker", standalone("redis://127.0.0.1:6379")) as Redis;
    expect(worker.options.maxRetriesPerRequest).toBeNull();
    const producer = createRedisClient("producer", standalone("redis://127.0.0.1:6379")) as Redis;
    expect(producer.options.enableOfflineQueue).toBe(false);
    expect(producer.options.maxRetriesPerRequest).toBe(1);
  });

  it("uses TLS for rediss:// and verifies certificates unless told not to", () => {
    const url = "rediss://:secret@ec2-1-2-3-4.compute-1.amazonaws.com:25690/2";
    const strict = (createRedisClient("worker", standalone(url)) as Redis).options;
    expect(strict).toMatchObject({ host: "ec2-1-2-3-4.compute-1.amazonaws.com", port: 25690, password: "secret", db: 2 });
    expect(strict.tls).toEqual({ rejectUnauthorized: true });
    expect((createRedisClient("worker", standalone(url, false)) as Redis).options.tls).toEqual({ rejectUnauthorized: false });
    expect((createRedisClient("worker", standalone("redis://127.0.0.1:6379")) as Redis).options.tls).toBeUndefined();
  });

  it("makes an ioredis Cluster of the seed nodes, with the role's options and the credentials on every node", () => {
    const config = { url: "redis://unused:1", clusterNodes: ["rediss://app:s%40cret@a.example:7000", "rediss://app:s%40cret@b.example:7001"], rejectUnauthorized: false };
    const worker = createRedisClient("worker", config) as Cluster;
    expect(worker.isCluster).toBe(true);
    expect(worker.options.redisOptions).toMatchObject({ maxRetriesPerRequest: null, username: "app", password: "s@cret", tls: { rejectUnauthorized: false } });
    const producer = createRedisClient("producer", config) as Cluster;
    expect(producer.options.enableOfflineQueue).toBe(false);
    expect(producer.options.redisOptions?.maxRetriesPerRequest).toBe(1);
  });
});
