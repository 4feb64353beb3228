import { spawn } from "node:child_process";
import { once } from "node:events";
import { MemoryWatch, MEMORY_SAMPLE_MS, preciseNow, type MemorySample } from "../../apps/worker/src/compute/memory-watch";

const MB = 2 ** 20;

/** A real process that says it runs, idles, then allocates and touches 8 MB every 10 ms (~800 MB/s) until killed. */
async function allocatingProcess() {
  const script = "process.stdout.write('ready\\n'); const keep = []; setTimeout(() => setInterval(() => keep.push(Buffer.alloc(8 << 20, 1)), 10), 300);";
  const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "ignore"] });
  await once(child.stdout, "data");
  return child;
}

describe("the compute child's memory watch (a real process, /proc)", () => {
  it("reads a process's RSS, and reports the first sample over the ceiling with the one before it", async () => {
    const child = await allocatingProcess();
    const exited = once(child, "exit").then(() => preciseNow());
    const ceiling = 200 * MB;
    let crossing: { over: MemorySample; previous: MemorySample | undefined; killedAt: number } | undefined;
    const watch = new MemoryWatch(child.pid, ceiling, (over, previous) => {
      child.kill("SIGKILL");
      crossing = { over, previous, killedAt: preciseNow() };
    });
    try {
      expect(watch.available).toBe(true);
      const first = watch.read();
      expect(first).toBeGreaterThan(10 * MB);
      expect(first).toBeLessThan(ceiling);
      watch.start();
      const exitedAt = await exited;
      expect(crossing).toBeDefined();
      const { over, previous, killedAt } = crossing!;
      expect(over.rssBytes).toBeGreaterThan(ceiling);
      expect(previous!.rssBytes).toBeLessThanOrEqual(ceiling);
      // The crossing happened between the two samples; the process was dead within 200 ms of it.
      expect(over.at - previous!.at).toBeLessThan(MEMORY_SAMPLE_MS + 100);
      expect(killedAt - over.at).toBeLessThan(50);
      expect(exitedAt - previous!.at).toBeLessThan(200);
      expect(watch.peakBytes).toBe(over.rssBytes);
    } finally {
      watch.close();
      child.kill("SIGKILL");
    }
  });

  it("reads nothing for a process that is gone, and is not available without /proc/<pid>", async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    const watch = new MemoryWatch(child.pid, 100 * MB, () => undefined);
    await once(child, "exit");
    expect(watch.read()).toBeUndefined();
    watch.close();
    expect(new MemoryWatch(undefined, 100 * MB, () => undefined).available).toBe(false);
  });
});
