import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";

export async function uploadPdf(base: string, file: string, bytes = fs.readFileSync(file)): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([bytes], { type: "application/pdf" }), path.basename(file));
  const res = await fetch(`${base}/api/documents`, { method: "POST", body: form });
  if (res.status !== 202) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Latency of `count` sequential GETs of `url`, milliseconds. */
export async function timedGets(url: string, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    const res = await fetch(url);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url}: ${res.status}`);
    out.push(performance.now() - t0);
  }
  return out;
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
