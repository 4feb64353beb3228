import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot, startNode } from "../../apps/bench/src/processes";

// The script prints its own CPU list and its child's: a pinned worker's compute child must share its CPU.
const script = `
const { execFileSync } = require("node:child_process");
const cpus = (status) => /Cpus_allowed_list:\\s*(\\S+)/.exec(status)[1];
const own = cpus(require("node:fs").readFileSync("/proc/self/status", "utf8"));
const child = cpus(execFileSync(process.execPath, ["-e", "process.stdout.write(require('node:fs').readFileSync('/proc/self/status', 'utf8'))"]).toString());
console.log("cpus " + own + " child " + child);
`;

describe("bench --pin-workers", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-pin-"));
  const file = path.join(dir, "print-cpus.js");
  beforeAll(() => fs.writeFileSync(file, script));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = async (cpus?: string) => {
    const proc = startNode({ flags: [], script: path.relative(repoRoot, file) }, {}, cpus);
    const line = await proc.waitFor(/^cpus /, 20_000);
    await proc.stop();
    return line;
  };

  it("runs a process and the processes it starts on the CPU it is pinned to", async () => {
    const last = String(os.cpus().length - 1);
    expect(await run(last)).toBe(`cpus ${last} child ${last}`);
  });

  it("leaves an unpinned process on the CPUs the bench has", async () => {
    const all = /Cpus_allowed_list:\s*(\S+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))?.[1];
    expect(await run()).toBe(`cpus ${all} child ${all}`);
  });
});
