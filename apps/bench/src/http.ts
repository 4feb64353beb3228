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

/** One GET on a kept-alive connection; resolves with the status once the whole body has arrived. */
function get(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.on("data", () => undefined);
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

/**
 * Latency of `count` sequential GETs of `url` (after one untimed GET that opens the connection), milliseconds.
 * node:http on one kept-alive socket, as a load balancer or a polling client holds it: the timing client should cost
 * less than what it times (undici's fetch added ~1 ms to the median and more to the tail on this machine).
 */
export async function timedGets(url: string, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await get(url, agent);
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const status = await get(url, agent);
      out.push(performance.now() - t0);
      if (status !== 200) throw new Error(`GET ${url}: ${status}`);
    }
    return out;
  } finally {
    agent.destroy();
  }
}

/** Uploads `total` copies of a file, `concurrency` at a time; returns uploads per second. */
export async function uploadRate(base: string, file: string, total: number, concurrency: number): Promise<number> {
  const bytes = fs.readFileSync(file);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await uploadPdf(base, file, bytes);
      }
    }),
  );
  return total / ((performance.now() - t0) / 1000);
}
