import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { closeDb, type Db, DocumentRepository } from "@pagewise/db";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import { captureLog } from "../support/capture-log";
import { listen, rawRequest } from "../support/raw-http";
import { obliterate, randomPrefix, testDb, testRedis } from "../support/services";

/** Sends the head of a request and part of its body, then hangs up (a cut upload, a closed tab). */
async function cutRequest(port: number, head: string, bodyPart: Buffer): Promise<void> {
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  await new Promise<void>((resolve) => socket.write(Buffer.concat([Buffer.from(head), bodyPart]), () => resolve()));
  socket.destroy();
}

/** Issue 16 item 7: a client that hangs up mid-request is logged once, at info, with its request id. */
describe("client aborts (real Postgres, Redis, local storage)", () => {
  const prefix = randomPrefix("aborts");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-aborts-"));
  const logged = captureLog("info");
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let server: Awaited<ReturnType<typeof listen>>;
  const uploadDir = path.join(tmp, "uploads");

  beforeAll(async () => {
    fs.mkdirSync(uploadDir);
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    const app = createApp({
      documents: new DocumentRepository(db),
      queue,
      store: createObjectStore({ driver: "local", directory: path.join(tmp, "data") }),
      log: logged.log,
      uploadDir,
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
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each([
    ["a multipart upload", "multipart/form-data; boundary=XyZ", '--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n'],
    ["a JSON body", "application/json", '{"uploadId": "'],
  ])("%s cut by the client: one info line with the request id, nothing at warn or above, no temp file left", async (_what, type, start) => {
    const requestId = `abort-${Math.random().toString(16).slice(2, 10)}`;
    const head = `POST /api/documents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: ${requestId}\r\nContent-Type: ${type}\r\nContent-Length: 5000000\r\n\r\n`;
    await cutRequest(server.port, head, Buffer.concat([Buffer.from(start), Buffer.alloc(64 * 1024, 0x41)]));
    const line = await logged.waitFor((l) => l.requestId === requestId);
    // A request on a fresh connection, answered and logged after the cut one was handled.
    const followUpId = `next-${Math.random().toString(16).slice(2, 10)}`;
    await rawRequest(server.port, { method: "GET", path: "/api/documents?limit=1", headers: { "X-Request-Id": followUpId } });
    await logged.waitFor((l) => l.requestId === followUpId);
    const about = logged.lines().filter((l) => l.requestId === requestId || JSON.stringify(l).includes(requestId));
    expect(about).toEqual([line]);
    expect(line).toMatchObject({ level: "info", msg: "request aborted" });
    expect(logged.lines().filter((l) => l.level !== "info" && l.level !== "debug")).toEqual([]);
    expect(fs.readdirSync(uploadDir)).toEqual([]);
  });
});
