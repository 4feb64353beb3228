import { ConfigError, hashTagOf, parseEnv, redisConfigFrom, storageConfigFrom, webEnvSchema, workerEnvSchema } from "@pagewise/config";

describe("environment schemas", () => {
  it("gives every variable a local default", () => {
    const web = parseEnv(webEnvSchema, {});
    expect(web.PORT).toBe(3000);
    expect(web.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/pagewise");
    expect(web.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(web.DATA_DIR).toBe("./data");
    const worker = parseEnv(workerEnvSchema, {});
    expect(worker.DETECTOR_MODEL).toBe("ppocr-det-int8");
    expect(worker.RENDER_DPI).toBe(150);
  });

  it("fails fast and names every bad variable", () => {
    expect(() => parseEnv(webEnvSchema, { PORT: "eighty", REDIS_URL: "not a url" })).toThrow(ConfigError);
    try {
      parseEnv(webEnvSchema, { PORT: "eighty", REDIS_URL: "not a url" });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/REDIS_URL/);
    }
  });

  it("reads booleans the way people write them", () => {
    expect(parseEnv(webEnvSchema, { S3_FORCE_PATH_STYLE: "true" }).S3_FORCE_PATH_STYLE).toBe(true);
    expect(parseEnv(webEnvSchema, { MIGRATE_ON_START: "0" }).MIGRATE_ON_START).toBe(false);
    expect(() => parseEnv(webEnvSchema, { MIGRATE_ON_START: "maybe" })).toThrow(/MIGRATE_ON_START/);
  });

  it("stores on local disk without S3_BUCKET and in S3 with it", () => {
    expect(storageConfigFrom(parseEnv(webEnvSchema, { DATA_DIR: "/tmp/x" }))).toEqual({ driver: "local", directory: "/tmp/x" });
    const s3 = storageConfigFrom(
      parseEnv(webEnvSchema, {
        S3_BUCKET: "results",
        S3_ENDPOINT: "http://127.0.0.1:9000",
        S3_FORCE_PATH_STYLE: "true",
        AWS_ACCESS_KEY_ID: "id",
        AWS_SECRET_ACCESS_KEY: "secret",
      }),
    );
    expect(s3).toEqual({
      driver: "s3",
      bucket: "results",
      region: "us-east-1",
      endpoint: "http://127.0.0.1:9000",
      forcePathStyle: true,
      credentials: { accessKeyId: "id", secretAccessKey: "secret" },
    });
  });

  it("treats an empty S3_BUCKET as unset", () => {
    expect(storageConfigFrom(parseEnv(webEnvSchema, { S3_BUCKET: "" })).driver).toBe("local");
  });

  describe("Redis Cluster", () => {
    const tagged = { QUEUE_PREFIX: "{pagewise}" };

    it("uses REDIS_URL alone when REDIS_CLUSTER_NODES is unset or empty", () => {
      expect(redisConfigFrom(parseEnv(webEnvSchema, { REDIS_URL: "rediss://:pw@redis.example:6380", REDIS_TLS_REJECT_UNAUTHORIZED: "false" }))).toEqual({
        url: "rediss://:pw@redis.example:6380",
        clusterNodes: undefined,
        rejectUnauthorized: false,
      });
      expect(parseEnv(workerEnvSchema, { REDIS_CLUSTER_NODES: " " }).REDIS_CLUSTER_NODES).toBeUndefined();
    });

    it("reads seed nodes as host:port or redis[s]:// URLs, normalised to URLs", () => {
      const env = parseEnv(workerEnvSchema, { ...tagged, REDIS_CLUSTER_NODES: " 10.0.0.1:7000, node-b.internal:7001 ," });
      expect(redisConfigFrom(env).clusterNodes).toEqual(["redis://10.0.0.1:7000", "redis://node-b.internal:7001"]);
      const tls = parseEnv(webEnvSchema, { ...tagged, REDIS_CLUSTER_NODES: "rediss://app:s%40cret@a.example:6379,rediss://app:s%40cret@b.example:6379" });
      expect(tls.REDIS_CLUSTER_NODES).toEqual(["rediss://app:s%40cret@a.example:6379", "rediss://app:s%40cret@b.example:6379"]);
    });

    it("refuses a node without a port, another scheme, or nodes that disagree, without echoing a password", () => {
      for (const bad of ["10.0.0.1", "http://10.0.0.1:7000", "redis://10.0.0.1:7000/2", ","]) {
        expect(() => parseEnv(webEnvSchema, { ...tagged, REDIS_CLUSTER_NODES: bad })).toThrow(/REDIS_CLUSTER_NODES/);
      }
      const mixed = () => parseEnv(webEnvSchema, { ...tagged, REDIS_CLUSTER_NODES: "rediss://:hunter2@a:1,redis://b:2" });
      expect(mixed).toThrow(/same scheme/);
      expect(mixed).not.toThrow(/hunter2/);
      expect(() => parseEnv(webEnvSchema, { ...tagged, REDIS_CLUSTER_NODES: "redis://:hunter2@a" })).toThrow(/^(?!.*hunter2).*node 1 is not host:port/);
    });

    it("finds a key prefix's hash tag as Redis Cluster does: the first {…} that is not empty", () => {
      expect(hashTagOf("{pagewise}")).toBe("pagewise");
      expect(hashTagOf("app:{jobs}:x")).toBe("jobs");
      expect(hashTagOf("{a}{b}")).toBe("a");
      for (const none of ["pagewise", "{}pagewise", "pagewise{", "}x{"]) expect(hashTagOf(none)).toBeUndefined();
    });
  });
});
