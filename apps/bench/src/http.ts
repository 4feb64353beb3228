import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";

export async function uploadPdf(base: string, file: string, bytes = fs.readFileSync(file)): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "application/pdf" }), path.basename(file));
  const res = await fetch(`${base}/api/documents`, { method: "POST", body: form });
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** One request on a kept-alive connection (a GET, or a POST of `body`); resolves with the status once the whole
 * answer has arrived. */
function send(url: string, agent: http.Agent, body?: { data: Buffer; contentType: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers = body ? { "content-type": body.contentType, "content-length": body.data.length } : {};
    const req = http.request(url, { method: body ? "POST" : "GET", agent, headers }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body?.data);
  });
}

/**
 * Latency of `count` sequential GETs of `url` (after one untimed GET that opens the connection), milliseconds.
 * node:http on one kept-alive socket, as a load balancer or a polling client holds it: the timing client should cost
 * less than what it times, and undici's fetch adds latency of its own (docs/benchmarks.md).
 */
export async function timedGets(url: string, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await send(url, agent);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const status = await send(url, agent);
      out.push(performance.now() - t0);
      if (status !== 200) throw new Error(`GET ${url}: ${status}`);
    }
    return out;
  } finally {
    agent.destroy();
  }
}

/** A multipart/form-data body with one `file` field, encoded once. */
function multipartBody(file: string, bytes: Buffer): { data: Buffer; contentType: string } {
  const boundary = `pagewise-bench-${Date.now().toString(36)}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${path.basename(file)}"\r\nContent-Type: application/pdf\r\n\r\n`;
  const data = Buffer.concat([Buffer.from(head), bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { data, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * Uploads `total` copies of a file, `concurrency` at a time (one kept-alive connection each); returns uploads per
 * second. The multipart body is encoded once and sent with node:http, as a load generator would: encoding a fresh
 * FormData per upload takes CPU from the cores the server runs on (docs/benchmarks.md).
 */
export async function uploadRate(base: string, file: string, total: number, concurrency: number): Promise<number> {
  const body = multipartBody(file, fs.readFileSync(file));
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = `${base}/api/documents`;
  let next = 0;
  try {
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          next += 1;
          const status = await send(url, agent, body);
          if (status !== 202) throw new Error(`upload answered ${status}`);
        }
      }),
    );
    return total / ((performance.now() - t0) / 1000);
  } finally {
    agent.destroy();
  }
}
