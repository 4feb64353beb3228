import fs from "node:fs";
import path from "node:path";

/**
 * A memory cgroup of the sweep's own, as a dyno's or a container's memory limit: the worker is started inside it
 * (before it forks its compute child, which inherits it), and the kernel charges both and OOM-kills inside it.
 * cgroup v1 (`/sys/fs/cgroup/memory`: memory.limit_in_bytes, memory.max_usage_in_bytes, `oom_kill` in
 * memory.oom_control) or v2 (a unified hierarchy with the memory controller: memory.max, memory.peak or sampled
 * memory.current, `oom_kill` in memory.events). Needs root, or a delegated subtree.
 */
export interface MemoryCgroup {
  readonly version: 1 | 2;
  readonly dir: string;
  /** Write a pid here to move that process into the group. */
  readonly procsFile: string;
  /** Starts a new peak (v1: resets max_usage_in_bytes; v2: resets memory.peak where the kernel allows, else sampling starts over). */
  resetPeak(): void;
  /** The most memory charged to the group since resetPeak, bytes. */
  peakBytes(): number;
  /** OOM kills inside the group since it was made. */
  oomKills(): number;
  /** Removes the group (its processes must have exited). */
  remove(): void;
}

const read = (file: string) => fs.readFileSync(file, "utf8");
const field = (text: string, name: string) => Number(new RegExp(`^${name} (\\d+)$`, "m").exec(text)?.[1] ?? 0);

/** Where this machine's memory controller is: "v1", "v2" (with its root), or undefined. */
export function memoryControllerRoot(root = "/sys/fs/cgroup"): { version: 1 | 2; dir: string } | undefined {
  if (fs.existsSync(path.join(root, "memory", "memory.limit_in_bytes"))) return { version: 1, dir: path.join(root, "memory") };
  for (const dir of [root, path.join(root, "unified")]) {
    try {
      if (read(path.join(dir, "cgroup.controllers")).split(/\s+/).includes("memory")) return { version: 2, dir };
    } catch {
      /* not a v2 hierarchy */
    }
  }
  return undefined;
}

export function createMemoryCgroup(name: string, limitBytes: number, root = "/sys/fs/cgroup"): MemoryCgroup {
  const controller = memoryControllerRoot(root);
  if (!controller) throw new Error(`no memory cgroup controller under ${root} (neither cgroup v1 memory nor v2 with memory)`);
  const dir = path.join(controller.dir, name);
  fs.mkdirSync(dir);
  const file = (f: string) => path.join(dir, f);
  if (controller.version === 1) {
    fs.writeFileSync(file("memory.limit_in_bytes"), String(limitBytes));
    // No swap for the group either (as a dyno past its limit, but without Heroku's swap): where memsw exists.
    if (fs.existsSync(file("memory.memsw.limit_in_bytes"))) fs.writeFileSync(file("memory.memsw.limit_in_bytes"), String(limitBytes));
    return {
      version: 1,
      dir,
      procsFile: file("cgroup.procs"),
      resetPeak: () => fs.writeFileSync(file("memory.max_usage_in_bytes"), "0"),
      peakBytes: () => Number(read(file("memory.max_usage_in_bytes"))),
      oomKills: () => field(read(file("memory.oom_control")), "oom_kill"),
      remove: () => fs.rmdirSync(dir),
    };
  }
  fs.writeFileSync(file("memory.max"), String(limitBytes));
  if (fs.existsSync(file("memory.swap.max"))) fs.writeFileSync(file("memory.swap.max"), "0");
  let sampledPeak = 0;
  let usePeakFile = fs.existsSync(file("memory.peak"));
  return {
    version: 2,
    dir,
    procsFile: file("cgroup.procs"),
    resetPeak: () => {
      sampledPeak = 0;
      try {
        if (usePeakFile) fs.writeFileSync(file("memory.peak"), "0"); // Linux 6.12+: resets the peak
      } catch {
        usePeakFile = false; // older kernels: memory.peak cannot be reset, so only the samples count
      }
    },
    peakBytes: () => {
      sampledPeak = Math.max(sampledPeak, Number(read(file("memory.current"))));
      return usePeakFile ? Math.max(sampledPeak, Number(read(file("memory.peak")))) : sampledPeak;
    },
    oomKills: () => field(read(file("memory.events")), "oom_kill"),
    remove: () => fs.rmdirSync(dir),
  };
}
