import { randomUUID } from "node:crypto";
import { FlowProducer, Queue } from "bullmq";
import { ConfigError, parseEnv, webEnvSchema, workerEnvSchema } from "@pagewise/config";
import { connectRedis, DocumentQueue, JobName, QueueName, type RedisClient } from "@pagewise/queue";
import { randomPrefix } from "../support/services";
import { startRedisCluster, type RedisCluster } from "../support/redis-cluster";

/** The queue on a real three-node Redis Cluster (redis-server processes on loopback, started here). */
describe("Redis Cluster (three redis-server nodes)", () => {
  let cluster: RedisCluster;
  let redis: RedisClient;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = await connectRedis("producer", cluster.config);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it("refuses to start web or worker when QUEUE_PREFIX has no hash tag, in one line that says what to set", () => {
    for (const schema of [webEnvSchema, workerEnvSchema]) {
      for (const prefix of ["pagewise", "{}pagewise", "pagewise}{"]) {
        const attempt = () => parseEnv(schema, { ...cluster.env, QUEUE_PREFIX: prefix });
        expect(attempt).toThrow(ConfigError);
        expect(attempt).toThrow(/^Invalid configuration: QUEUE_PREFIX: with REDIS_CLUSTER_NODES set, .*QUEUE_PREFIX=\{pagewise\}$/);
      }
      expect(parseEnv(schema, { ...cluster.env, QUEUE_PREFIX: "{pagewise}" }).REDIS_CLUSTER_NODES).toEqual(cluster.nodes.map((n) => `redis://${n}`));
      expect(parseEnv(schema, { QUEUE_PREFIX: "pagewise" }).QUEUE_PREFIX).toBe("pagewise"); // standalone: any prefix
    }
  });

  it("is why: without a hash tag BullMQ's scripts span slots and the cluster refuses them (CROSSSLOT)", async () => {
    const untagged = new DocumentQueue(redis, randomPrefix("cluster-untagged"));
    await expect(untagged.enqueueProcessDocument({ documentId: randomUUID() })).rejects.toThrow(/CROSSSLOT/);
    await untagged.close();
  });

  it("enqueues, counts the backlog (waiting, prioritized, delayed) and removes jobs under a hash-tagged prefix", async () => {
    const prefix = `{${randomPrefix("cluster")}}`;
    const queue = new DocumentQueue(redis, prefix);
    try {
      const documentId = randomUUID();
      expect(await queue.enqueueProcessDocument({ documentId })).toBe(documentId);
      await queue.queue.add(JobName.ProcessDocument, { documentId: randomUUID() }, { priority: 3 });
      await queue.queue.add(JobName.ProcessDocument, { documentId: randomUUID() }, { delay: 60_000 });
      expect(await queue.backlog()).toBe(3);
      expect(await queue.jobState(documentId)).toBe("waiting");
      expect(await queue.removeJob(documentId)).toBe(true);
      expect(await queue.backlog()).toBe(2);
      await queue.queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  });

  it("keeps a flow's parent and children in one slot: a FlowProducer adds them, the children count as backlog", async () => {
    const prefix = `{${randomPrefix("cluster-flow")}}`;
    const worker = await connectRedis("worker", cluster.config);
    const flows = new FlowProducer({ connection: worker, prefix });
    const queue = new DocumentQueue(redis, prefix);
    try {
      const parent = await flows.add({
        name: JobName.ProcessDocument,
        queueName: QueueName.Documents,
        data: { documentId: randomUUID() },
        children: [1, 2, 3].map((range) => ({ name: JobName.ProcessDocument, queueName: QueueName.Documents, data: { range } })),
      });
      expect(await parent.job.getState()).toBe("waiting-children");
      expect(await queue.backlog()).toBe(3);
      const inspect = new Queue(QueueName.Documents, { connection: worker, prefix });
      expect(await inspect.getJobCounts("waiting", "waiting-children")).toEqual({ waiting: 3, "waiting-children": 1 });
      await inspect.obliterate({ force: true });
      await inspect.close();
    } finally {
      await queue.close();
      await flows.close();
      worker.disconnect();
    }
  });

  it("says which variable to fix when no seed node answers", async () => {
    const nowhere = { url: "redis://127.0.0.1:1", clusterNodes: ["redis://127.0.0.1:1"], rejectUnauthorized: true };
    await expect(connectRedis("producer", nowhere, { timeoutMs: 3000 })).rejects.toThrow(
      /^Cannot reach the Redis Cluster at 127\.0\.0\.1:1 \(.+\)\. Start it or set REDIS_CLUSTER_NODES\.$/,
    );
  });
});
