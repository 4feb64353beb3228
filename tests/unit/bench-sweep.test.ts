import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createMemoryCgroup, memoryControllerRoot } from "../../apps/bench/src/cgroup";
import { summarize, type SweepRecord } from "../../apps/bench/src/sweep-summary";

const record = (file: string, outcome: string, chargedMb: number, extra: Partial<SweepRecord> = {}): SweepRecord => ({
  file,
  bytes: 1,
  outcome,
  pages: 1,
  pagesDone: outcome === "succeeded" ? 1 : 0,
  degraded: 0,
  skipped: 0,
  seconds: 1,
  workerPeakRssMb: chargedMb + 40,
  workerPeakChargedMb: chargedMb,
  cgroupPeakMb: null,
  oomKills: null,
  ...extra,
});

/** A directory laid out like a cgroup filesystem, with the files the kernel would provide. */
function fakeCgroupRoot(version: 1 | 2): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pw-cgroup-"));
  if (version === 1) {
    fs.mkdirSync(path.join(root, "memory"));
    fs.writeFileSync(path.join(root, "memory", "memory.limit_in_bytes"), "9223372036854771712\n");
  } else {
    fs.writeFileSync(path.join(root, "cgroup.controllers"), "cpuset cpu io memory pids\n");
  }
  return root;
}

describe("npm run bench:memory", () => {
  it("summarises a sweep: outcomes with their codes, degraded and skipped pages, OOM kills, files over the ceiling", () => {
    const summary = summarize([
      record("a.pdf", "succeeded", 340, { degraded: 1, slowestPage: { number: 3, ms: 900 } }),
      record("b.pdf", "failed:pdf_corrupt", 200),
      record("c.pdf", "succeeded", 470, { skipped: 2, oomKills: 1, cgroupPeakMb: 505 }),
      record("d.pdf", "rejected:415 not_pdf", 0),
    ]);
    expect(summary.outcomes).toEqual({ succeeded: 2, "failed:pdf_corrupt": 1, "rejected:415 not_pdf": 1 });
    expect([summary.files, summary.pages, summary.pagesDegraded, summary.pagesSkipped, summary.oomKills]).toEqual([4, 2, 1, 2, 1]);
    expect(summary.overCeiling).toEqual(["c.pdf"]);
    expect(summary.worstPeaks[0]).toMatchObject({ file: "c.pdf", cgroupMb: 505 });
    expect(summary.slowestPages).toEqual([{ file: "a.pdf", page: 3, ms: 900 }]);
  });

  it("makes a cgroup v1 memory group: limit, no swap, peak reset, oom_kill from memory.oom_control", () => {
    const root = fakeCgroupRoot(1);
    expect(memoryControllerRoot(root)).toEqual({ version: 1, dir: path.join(root, "memory") });
    const group = createMemoryCgroup("sweep", 512 * 2 ** 20, root);
    const file = (f: string) => path.join(root, "memory", "sweep", f);
    expect(fs.readFileSync(file("memory.limit_in_bytes"), "utf8")).toBe(String(512 * 2 ** 20));
    expect(group.procsFile).toBe(file("cgroup.procs"));
    fs.writeFileSync(file("memory.max_usage_in_bytes"), "123456");
    expect(group.peakBytes()).toBe(123456);
    group.resetPeak();
    expect(fs.readFileSync(file("memory.max_usage_in_bytes"), "utf8")).toBe("0");
    fs.writeFileSync(file("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
    expect(group.oomKills()).toBe(3);
  });

  it("makes a cgroup v2 group: memory.max, memory.swap.max 0, oom_kill from memory.events, peak sampled where memory.peak cannot be reset", () => {
    const root = fakeCgroupRoot(2);
    expect(memoryControllerRoot(root)).toEqual({ version: 2, dir: root });
    const file = (f: string) => path.join(root, "sweep", f);
    // The kernel creates these with the directory; here they must exist for the group to use them.
    const group = createMemoryCgroup("sweep", 512 * 2 ** 20, root);
    expect(fs.readFileSync(file("memory.max"), "utf8")).toBe(String(512 * 2 ** 20));
    fs.writeFileSync(file("memory.current"), "1000");
    fs.writeFileSync(file("memory.events"), "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    group.resetPeak();
    expect(group.peakBytes()).toBe(1000);
    fs.writeFileSync(file("memory.current"), "400");
    expect(group.peakBytes()).toBe(1000); // the highest sample since the reset
    expect(group.oomKills()).toBe(1);
    expect(memoryControllerRoot(fs.mkdtempSync(path.join(os.tmpdir(), "pw-none-")))).toBeUndefined();
  });
});
