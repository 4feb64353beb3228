import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { closeDb, type Db, DocumentRepository } from "@pagewise/db";
import { connectRedis, DocumentQueue, type RedisClient } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { createApp } from "@pagewise/web/app";
import { OpenStreams } from "@pagewise/web/live/open-streams";
import { createLogger } from "@pagewise/logger";
import { listen, type RawResponse } from "../support/raw-http";
import { corpusFile, obliterate, randomPrefix, testDb, testRedis } from "../support/services";
import { waitFor, Waiters } from "../support/waiters";
import { watchPutStreams } from "../support/watched-store";

const BOUNDARY = "XyZ";
const pdf = () => fs.readFileSync(corpusFile("text-1p-pdflatex.pdf"));
const multipartBody = (file: Buffer) =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);

/**
 * The bounds on requests that hold memory while they last (slots.ts), each set to one here:
 * - MAX_UPLOADS_IN_FLIGHT: a second multipart upload that arrives while one is being received is refused at once
 *   with 503 `busy` and Retry-After, other requests are not held up, and the slot is free again when the first
 *   upload is answered or cut;
 * - MAX_OPEN_STREAMS: SSE streams and long-polls share theirs the same way.
 */
describe("busy slots: uploads in flight and open streams are bounded (real Postgres, Redis, local storage)", () => {
  const prefix = randomPrefix("inflight");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-inflight-"));
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let server: Awaited<ReturnType<typeof listen>>;
  const waiters = new Waiters();
  const streams = new OpenStreams();
  /** Every putStream the app started (an upload past the limiter, its first bytes checked), settled either way. */
  let storing: Promise<unknown>[];

  beforeAll(async () => {
    db = testDb();
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    const watched = watchPutStreams(createObjectStore({ driver: "local", directory: path.join(tmp, "data") }), () => waiters.wake());
    storing = watched.storing;
    const app = createApp({
      documents: new DocumentRepository(db),
      queue,
      store: watched.store,
      log: createLogger("inflight-test", "silent"),
      limits: { maxUploadBytes: 10_000_000, maxUploadsInFlight: 1, maxOpenStreams: 1 },
      streams,
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

  /** An upload whose body is sent in two parts: the first now, the rest when `finish()` is called. */
  function slowUpload() {
    const body = multipartBody(pdf());
    const req = http.request({
      host: "127.0.0.1",
      port: server.port,
      method: "POST",
      path: "/api/documents",
      agent: false,
      headers: { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}`, "Content-Length": body.length },
    });
    const answer = new Promise<RawResponse>((resolve, reject) => {
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: JSON.parse(text) });
        });
      });
      req.on("error", reject);
    });
    const started = storing.length;
    req.write(body.subarray(0, 8192));
    return {
      /** Resolves once the app is storing it: it is past the limiter and holds the one slot. */
      receiving: () => waiters.until(() => (storing.length > started ? true : undefined), 10_000, () => "the upload never reached the store"),
      finish: () => {
        req.end(body.subarray(8192));
        return answer;
      },
      cut: () => {
        answer.catch(() => undefined);
        req.destroy();
        return storing[started]!;
      },
    };
  }

  const upload = () =>
    fetch(`http://127.0.0.1:${server.port}/api/documents`, {
      method: "POST",
      body: multipartBody(pdf()),
      headers: { "Content-Type": `multipart/form-data; boundary=${BOUNDARY}` },
    });

  it("refuses a second upload with 503 busy and Retry-After while one is received, and takes it once that one is answered", async () => {
    const first = slowUpload();
    await first.receiving();

    const refused = await upload();
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await refused.json()).toEqual({ error: { code: "busy", message: "The server is busy: too many uploads arriving at once; try again in 5 seconds." } });
    // Only uploads are bounded: reads go on.
    expect((await fetch(`http://127.0.0.1:${server.port}/api/documents?limit=1`)).status).toBe(200);

    expect((await first.finish()).status).toBe(202);
    expect((await upload()).status).toBe(202);
  });

  it("frees the slot of an upload the client cut", async () => {
    const cut = slowUpload();
    await cut.receiving();
    expect((await upload()).status).toBe(503);
    await cut.cut(); // its stored part is removed after the connection closed, which freed the slot
    expect((await upload()).status).toBe(202);
  });

  it("holds one SSE stream or long-poll at a time: one more is 503 busy, a plain GET is not, and the slot frees when the stream closes", async () => {
    const base = `http://127.0.0.1:${server.port}`;
    const created = await upload();
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const sse = new AbortController();
    const first = await fetch(`${base}/api/documents/${id}/events`, { signal: sse.signal });
    expect(first.status).toBe(200);

    for (const url of [`/api/documents/${id}/events`, `/api/documents/${id}?wait=30`]) {
      const refused = await fetch(`${base}${url}`);
      expect({ url, status: refused.status, retryAfter: refused.headers.get("retry-after"), body: await refused.json() }).toEqual({
        url,
        status: 503,
        retryAfter: "5",
        body: { error: { code: "busy", message: "The server is busy: too many live updates open at once; try again in 5 seconds." } },
      });
    }
    expect((await fetch(`${base}/api/documents/${id}`)).status).toBe(200);
    // A document that does not exist is still a 404, not a 503.
    expect((await fetch(`${base}/api/documents/00000000-0000-4000-8000-000000000000?wait=30`)).status).toBe(404);

    sse.abort();
    await waitFor(() => streams.size === 0, 10_000); // the server saw the stream close, which freed its slot
    const polled = await fetch(`${base}/api/documents/${id}?wait=1&since=processing:7`); // differs: answers at once
    expect(polled.status).toBe(200);
  });
});
