import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { closeDb, type Db, DocumentRepository } from "@pagewise/db";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore, type ObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import { captureLog } from "../support/capture-log";
import { listen, rawRequest } from "../support/raw-http";
import { startS3Server, type TestS3Server } from "../support/s3-server";
import { obliterate, randomPrefix, testDb, testRedis } from "../support/services";
import { filesBelow } from "../support/stored-files";
import { watchPutStreams } from "../support/watched-store";

/** Sends the head of a request and part of its body, then hangs up (a cut upload, a closed tab). */
async function cutRequest(port: number, head: string, bodyPart: Buffer): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  await new Promise<void>((resolve) => socket.write(Buffer.concat([Buffer.from(head), bodyPart]), () => resolve()));
  socket.destroy();
}

const multipartHead = '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n';

/**
 * Issue 16 item 7: a client that hangs up mid-request is logged once, at info, with its request id. Issue 20: the
 * file was being streamed to storage; nothing of it is stored (on S3 also after a first 5 MB part was sent).
 */
describe.each(["local", "s3"] as const)("client aborts (real Postgres, Redis, %s storage)", (driver) => {
  const prefix = randomPrefix("aborts");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-aborts-"));
  const logged = captureLog("info");
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let store: ObjectStore;
  let s3: TestS3Server | undefined;
  let server: Awaited<ReturnType<typeof listen>>;
  /** Every putStream the app started, settled either way. */
  let storing: Promise<unknown>[];
  const dataDir = path.join(tmp, "data");

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    if (driver === "s3") s3 = await startS3Server();
    store = createObjectStore(s3 ? s3.config : { driver: "local", directory: dataDir });
    // The access log's "request aborted" line is written when the connection closes, which can come before the
    // store has removed what the cut stream started: the checks wait for every putStream to settle, not on timing.
    const watched = watchPutStreams(store);
    storing = watched.storing;
    const app = createApp({
      documents: new DocumentRepository(db),
      queue,
      store: watched.store,
      log: logged.log,
      limits: { maxUploadBytes: 10_000_000 },
      checkReady: async () => undefined,
    });
    server = await listen(app);
  });

  afterAll(async () => {
    await server.close();
    await queue.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
    await s3?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each([
    ["a multipart upload", "multipart/form-data; boundary=XyZ", multipartHead, 64 * 1024],
    ["a multipart upload past its first 5 MB", "multipart/form-data; boundary=XyZ", multipartHead, 6 * 1024 * 1024],
    ["a JSON body", "application/json", '{"uploadId": "', 64 * 1024],
  ])("%s cut by the client: one info line with the request id, nothing at warn or above, nothing stored, no temp file left", async (_what, type, start, bytes) => {
    const requestId = `abort-${Math.random().toString(16).slice(2, 10)}`;
    const head = `POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: ${requestId}\r\nContent-Type: ${type}\r\nContent-Length: 9000000\r\n\r\n`;
    await cutRequest(server.port, head, Buffer.concat([Buffer.from(start), Buffer.alloc(bytes, 0x41)]));
    const line = await logged.waitFor((l) => l.requestId === requestId);
    // A request on a fresh connection, answered and logged after the cut one was handled.
    const followUpId = `next-${Math.random().toString(16).slice(2, 10)}`;
    await rawRequest(server.port, { method: "GET", path: "/api/documents?limit=1", headers: { "X-Request-Id": followUpId } });
    await logged.waitFor((l) => l.requestId === followUpId);
    const about = logged.lines().filter((l) => l.requestId === requestId || JSON.stringify(l).includes(requestId));
    expect(about).toEqual([line]);
    expect(line).toMatchObject({ level: "info", msg: "request aborted" });
    expect(logged.lines().filter((l) => l.level !== "info" && l.level !== "debug")).toEqual([]);
    await Promise.all(storing);
    expect(await store.list("documents/")).toEqual([]);
    expect(filesBelow(dataDir)).toEqual([]);
  });
});
