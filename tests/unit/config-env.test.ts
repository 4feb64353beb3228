import { ConfigError, parseEnv, storageConfigFrom, webEnvSchema, workerEnvSchema } from "@pagewise/config";

describe("environment schemas", () => {
  it("gives every variable a local default", () => {
    const web = parseEnv(webEnvSchema, {});
    expect(web.PORT).toBe(3000);
    expect(web.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:5432/pagewise");
    expect(web.REDIS_URL).toBe("redis://127.0.0.1:6379");
    expect(web.DATA_DIR).toBe("./data");
    const worker = parseEnv(workerEnvSchema, {});
    expect(worker.DETECTOR_MODEL).toBe("ppocr-det");
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
});
