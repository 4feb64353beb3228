import { spawn } from "node:child_process";
import { combined, descendantsOf, parseStatus } from "../../apps/bench/src/rss";

const status = (rss: number, anon: number, file: number, shmem = 0) =>
  `Name:\tnode\nVmRSS:\t  ${rss} kB\nRssAnon:\t  ${anon} kB\nRssFile:\t  ${file} kB\nRssShmem:\t  ${shmem} kB\n`;

describe("the bench's memory figures", () => {
  it("reads VmRSS and its anonymous, file and shared parts from /proc/PID/status", () => {
    expect(parseStatus(status(105784, 59940, 45844))).toEqual({ rss: 105784 * 1024, anon: 59940 * 1024, file: 45844 * 1024, shmem: 0 });
    expect(parseStatus("Name:\tgone\n")).toEqual({ rss: 0, anon: 0, file: 0, shmem: 0 });
  });

  it("sums resident sets, and charges file pages (the shared Node binary) once: the largest file-backed set", () => {
    const worker = parseStatus(status(108 * 1024, 62 * 1024, 46 * 1024));
    const child = parseStatus(status(381 * 1024, 298 * 1024, 83 * 1024));
    const { rss, charged } = combined([worker, child]);
    expect(rss / 2 ** 20).toBe(489);
    expect(charged / 2 ** 20).toBe(62 + 298 + 83);
  });
});

describe("the bench's process trees", () => {
  it("finds every descendant of a process (children of any thread, grandchildren), and none once they are gone", async () => {
    // bash starts a sleep, then a subshell that starts another and only then says so: three descendants of bash.
    const tree = spawn("bash", ["-c", "sleep 30 & (sleep 30 & echo started; wait) & wait"], { stdio: ["ignore", "pipe", "ignore"] });
    await new Promise<void>((resolve) => tree.stdout.once("data", () => resolve()));
    const bash = tree.pid as number;
    const found = descendantsOf(process.pid);
    expect(found).toContain(bash);
    const belowBash = descendantsOf(bash);
    expect(belowBash).toHaveLength(3);
    for (const pid of belowBash) expect(found).toContain(pid);
    const exited = new Promise((resolve) => tree.once("exit", resolve));
    for (const pid of [...belowBash, bash]) process.kill(pid, "SIGKILL");
    await exited;
    expect(descendantsOf(process.pid)).not.toContain(bash);
  });
});
