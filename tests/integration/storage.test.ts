import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createObjectStore, ObjectNotFound, UnsafeKey, type ObjectStore } from "@pagewise/storage";
import { startS3Server, type TestS3Server } from "../support/s3-server";
import { filesBelow } from "../support/stored-files";

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream as Readable) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

/** `data` in chunks of 64 KB (as a client's upload arrives), then `failure` if one is given. */
function chunked(data: Buffer, failure?: Error): Readable {
  return Readable.from(
    (async function* () {
      for (let at = 0; at < data.length; at += 64 * 1024) yield data.subarray(at, at + 64 * 1024);
      if (failure) throw failure;
    })(),
  );
}

/** Temp files of the local store: files on disk that list() does not show. */
const tempFilesIn = (directory: string) => filesBelow(directory).filter((key) => path.basename(key).startsWith("."));

interface Harness {
  store: ObjectStore;
  /** Local: the storage directory (to look for leftovers); S3: undefined. */
  directory?: string;
  stop(): Promise<void>;
}

async function localHarness(): Promise<Harness> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "pagewise-local-store-"));
  const store = createObjectStore({ driver: "local", directory });
  return { store, directory, stop: () => rm(directory, { recursive: true, force: true }) };
}

async function s3Harness(): Promise<Harness> {
  const server = await startS3Server();
  return { store: createObjectStore(server.config), stop: () => server.stop() };
}

const bigContent = randomBytes(12 * 1024 * 1024 + 123); // > two 5 MB parts: a multipart upload on S3
let workDir: string;

beforeAll(async () => {
  workDir = await mkdtemp(path.join(os.tmpdir(), "pagewise-storage-test-"));
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe.each([
  ["local", localHarness],
  ["s3", s3Harness],
] as const)("%s object store", (driver, start) => {
  let harness: Harness;
  let store: ObjectStore;

  beforeAll(async () => {
    harness = await start();
    store = harness.store;
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it("reports its driver and passes check()", async () => {
    expect(store.driver).toBe(driver);
    await expect(store.check()).resolves.toBeUndefined();
  });

  it("round-trips a Buffer byte-exact, with size and content type", async () => {
    const body = randomBytes(64 * 1024);
    await store.put("documents/round/pages/1.png", body, "image/png");

    expect(sha256(await store.get("documents/round/pages/1.png"))).toBe(sha256(body));
    expect(await store.head("documents/round/pages/1.png")).toEqual({ size: body.length, contentType: "image/png" });
  });

  it("keeps the content type of JSON results", async () => {
    const body = Buffer.from(JSON.stringify({ page: 1, detections: [] }));
    await store.put("documents/round/pages/1.json", body, "application/json");

    expect(await store.head("documents/round/pages/1.json")).toEqual({ size: body.length, contentType: "application/json" });
    expect(JSON.parse((await store.get("documents/round/pages/1.json")).toString("utf8"))).toEqual({ page: 1, detections: [] });
  });

  it("overwrites an existing key (re-delivered jobs write the same keys)", async () => {
    await store.put("documents/over/pages/1.json", Buffer.from('{"v":1}'), "application/json");
    await store.put("documents/over/pages/1.json", Buffer.from('{"v":2}'), "application/json");

    expect((await store.get("documents/over/pages/1.json")).toString()).toBe('{"v":2}');
  });

  it("copy() makes an independent copy under another key (reuse), and says ObjectNotFound for a missing source", async () => {
    const body = randomBytes(32 * 1024);
    await store.put("documents/orig/pages/1.png", body, "image/png");
    await store.copy("documents/orig/pages/1.png", "documents/copy/pages/1.png");
    await store.deletePrefix("documents/orig/");
    expect(sha256(await store.get("documents/copy/pages/1.png"))).toBe(sha256(body));
    expect((await store.head("documents/copy/pages/1.png"))?.size).toBe(body.length);
    await expect(store.copy("documents/orig/pages/1.png", "documents/copy/pages/2.png")).rejects.toBeInstanceOf(ObjectNotFound);
    expect(await store.head("documents/copy/pages/2.png")).toBeNull();
  });

  it("putStream stores a 12 MB stream byte-exact, and a short one", async () => {
    await store.putStream("documents/big/source.pdf", chunked(bigContent), "application/pdf");
    expect(await store.head("documents/big/source.pdf")).toEqual({ size: bigContent.length, contentType: "application/pdf" });
    expect(sha256(await store.get("documents/big/source.pdf"))).toBe(sha256(bigContent));

    const small = randomBytes(100 * 1024);
    await store.putStream("documents/small/source.pdf", chunked(small), "image/png");
    expect(await store.head("documents/small/source.pdf")).toEqual({ size: small.length, contentType: driver === "s3" ? "image/png" : "application/pdf" });
    expect(sha256(await store.get("documents/small/source.pdf"))).toBe(sha256(small));
  });

  it.each([
    ["within the first part", 100 * 1024],
    ["after two parts were sent", 12 * 1024 * 1024],
  ])("a putStream whose stream fails %s rejects with its error and stores nothing", async (_when, bytes) => {
    const cut = new Error("client hung up");
    await expect(store.putStream("documents/cut/source.pdf", chunked(bigContent.subarray(0, bytes), cut), "application/pdf")).rejects.toThrow();
    expect(await store.head("documents/cut/source.pdf")).toBeNull();
    expect(await store.list("documents/cut/")).toEqual([]);
    if (harness.directory) expect(tempFilesIn(harness.directory)).toEqual([]);
  });

  it("getStream returns the bytes with size and content type", async () => {
    const body = randomBytes(300 * 1024);
    await store.put("documents/stream/pages/2.png", body, "image/png");

    const { stream, size, contentType } = await store.getStream("documents/stream/pages/2.png");
    expect({ size, contentType }).toEqual({ size: body.length, contentType: "image/png" });
    expect(sha256(await readAll(stream))).toBe(sha256(body));
  });

  it("a missing key: head → null, get and getStream → ObjectNotFound", async () => {
    expect(await store.head("documents/missing/pages/1.png")).toBeNull();
    await expect(store.get("documents/missing/pages/1.png")).rejects.toBeInstanceOf(ObjectNotFound);
    await expect(store.get("documents/missing/pages/1.png")).rejects.toMatchObject({ key: "documents/missing/pages/1.png" });
    await expect(store.getStream("documents/missing/pages/1.png")).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it("readStart returns the first bytes (fewer for short objects, none for empty ones)", async () => {
    await store.put("documents/rs/source.pdf", Buffer.from("%PDF-1.7 hello"), "application/pdf");
    expect((await store.readStart("documents/rs/source.pdf", 5)).toString()).toBe("%PDF-");
    expect((await store.readStart("documents/rs/source.pdf", 1024)).toString()).toBe("%PDF-1.7 hello");
    await store.put("documents/rs/empty.pdf", Buffer.alloc(0), "application/pdf");
    expect(await store.readStart("documents/rs/empty.pdf", 1024)).toHaveLength(0);
    await expect(store.readStart("documents/rs/missing.pdf", 10)).rejects.toBeInstanceOf(ObjectNotFound);
  });

  it("list returns exactly the keys with that prefix, sorted", async () => {
    const one = Buffer.from("1");
    await store.put("documents/list-a/pages/2.png", one, "image/png");
    await store.put("documents/list-a/pages/1.json", one, "application/json");
    await store.put("documents/list-a/source.pdf", one, "application/pdf");
    await store.put("documents/list-ab/pages/1.png", one, "image/png");
    expect(await store.list("documents/list-a/")).toEqual([
      "documents/list-a/pages/1.json",
      "documents/list-a/pages/2.png",
      "documents/list-a/source.pdf",
    ]);
    expect(await store.list("documents/list-a")).toHaveLength(4);
    expect(await store.list("documents/list-none/")).toEqual([]);
  });

  it("deletePrefix deletes exactly the keys with that prefix and counts them", async () => {
    const one = Buffer.from("1");
    await store.put("documents/del-a/source.pdf", one, "application/pdf");
    await store.put("documents/del-a/pages/1.png", one, "image/png");
    await store.put("documents/del-a/pages/1.json", one, "application/json");
    await store.put("documents/del-ab/pages/1.png", one, "image/png");
    await store.put("documents/del-b/pages/1.png", one, "image/png");

    expect(await store.deletePrefix("documents/del-a/")).toBe(3);
    expect(await store.head("documents/del-a/pages/1.png")).toBeNull();
    expect(await store.head("documents/del-a/source.pdf")).toBeNull();
    expect(await store.head("documents/del-ab/pages/1.png")).not.toBeNull();
    expect(await store.head("documents/del-b/pages/1.png")).not.toBeNull();

    // A plain string prefix, as in S3: "documents/del-a" also matches "documents/del-ab/…".
    expect(await store.deletePrefix("documents/del-a")).toBe(1);
    expect(await store.deletePrefix("documents/del-none/")).toBe(0);
    expect(await store.head("documents/del-b/pages/1.png")).not.toBeNull();
  });

  it("listFolders lists the folders directly under a prefix, in order, after a cursor, at most a limit", async () => {
    // (s3rver misses a folder whose objects are all in sub-folders, which S3 lists: every folder here has one of its own.)
    const keys = ["sweep/b/1.json", "sweep/a/2.json", "sweep/a/x/2.json", "sweep/c/3.json", "sweep/c/4.json", "sweep/top.json", "sweepx/d/5.json"];
    for (const key of keys) await store.put(key, Buffer.from("{}"), "application/json");
    expect(await store.listFolders("sweep/")).toEqual(["sweep/a/", "sweep/b/", "sweep/c/"]);
    expect(await store.listFolders("sweep/", { limit: 2 })).toEqual(["sweep/a/", "sweep/b/"]);
    expect(await store.listFolders("sweep/", { startAfter: "sweep/b/" })).toEqual(["sweep/c/"]);
    expect(await store.listFolders("sweep/", { startAfter: "sweep/a/", limit: 1 })).toEqual(["sweep/b/"]);
    expect(await store.listFolders("sweep/", { startAfter: "sweep/c/" })).toEqual([]);
    expect(await store.listFolders("nothing-here/")).toEqual([]);
    await expect(store.listFolders("sweep")).rejects.toBeInstanceOf(UnsafeKey);
  });

  it("lastModified is the newest write under a prefix, null when there is none", async () => {
    const before = Date.now() - 2000; // file systems and S3 keep whole seconds or less
    await store.put("dated/a/1.json", Buffer.from("{}"), "application/json");
    await store.put("dated/a/pages/2.json", Buffer.from("{}"), "application/json");
    const last = await store.lastModified("dated/a/");
    expect(last).toBeInstanceOf(Date);
    expect(last!.getTime()).toBeGreaterThanOrEqual(before);
    expect(last!.getTime()).toBeLessThanOrEqual(Date.now() + 2000);
    expect(await store.lastModified("dated/none/")).toBeNull();
  });

  it("url() is stable for the same key (presigned URLs are reused while fresh)", async () => {
    await store.put("documents/url-stable/pages/1.png", Buffer.from("x"), "image/png");
    expect(await store.url("documents/url-stable/pages/1.png")).toBe(await store.url("documents/url-stable/pages/1.png"));
  });

  it("url() serves the object: presigned GET on S3, the web route locally", async () => {
    const body = randomBytes(10_000);
    await store.put("documents/url/pages/3.png", body, "image/png");
    const url = await store.url("documents/url/pages/3.png");

    if (driver === "local") {
      expect(url).toBe("/api/files/documents/url/pages/3.png");
    } else {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/png");
      expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(body));
    }
  });

  it.each(["../escape.png", "/etc/passwd", "documents\\a.png", "documents//a.png", "a\0b", ""])(
    "rejects the unsafe key %j",
    async (key) => {
      await expect(store.put(key, Buffer.from("x"), "image/png")).rejects.toBeInstanceOf(UnsafeKey);
      await expect(store.get(key)).rejects.toBeInstanceOf(UnsafeKey);
      await expect(store.head(key)).rejects.toBeInstanceOf(UnsafeKey);
      await expect(store.url(key)).rejects.toBeInstanceOf(UnsafeKey);
    },
  );

  it("refuses an empty or traversing prefix for deletePrefix", async () => {
    await expect(store.deletePrefix("")).rejects.toBeInstanceOf(UnsafeKey);
    await expect(store.deletePrefix("../")).rejects.toBeInstanceOf(UnsafeKey);
  });

  it("leaves no temp files behind", async () => {
    if (harness.directory) expect(tempFilesIn(harness.directory)).toEqual([]);
  });
});

describe("check() failures", () => {
  let server: TestS3Server;

  beforeAll(async () => {
    server = await startS3Server();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it("S3: a missing bucket rejects with a message naming the bucket", async () => {
    const store = createObjectStore({ ...server.config, bucket: "no-such-bucket" } as typeof server.config);
    await expect(store.check()).rejects.toThrow(`S3 bucket "no-such-bucket" at ${server.endpoint} does not exist`);
  });

  it("local: a directory that cannot be created rejects with a message naming it", async () => {
    const blocker = path.join(workDir, "a-file");
    await writeFile(blocker, "not a directory");
    const store = createObjectStore({ driver: "local", directory: path.join(blocker, "storage") });
    await expect(store.check()).rejects.toThrow(`Local storage directory ${path.join(blocker, "storage")} is not writable`);
  });
});

describe("local url()", () => {
  it("uses the configured base and encodes each segment", async () => {
    const store = createObjectStore({ driver: "local", directory: workDir }, { localUrlBase: "https://app.example/files/" });
    expect(await store.url("documents/a b/1.png")).toBe("https://app.example/files/documents/a%20b/1.png");
  });
});
