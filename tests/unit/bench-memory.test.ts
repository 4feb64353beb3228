import { combined, parseStatus } from "../../apps/bench/src/rss";

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
