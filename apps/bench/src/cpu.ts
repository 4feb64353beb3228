import fs from "node:fs";
import { descendantsOf } from "./rss";

/** Clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

/** A process's CPU seconds so far (user + system, /proc/PID/stat fields 14 and 15); 0 when it is gone. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds of process trees (each root and its descendants: a worker and its compute child), summed. Read before
 * and after a run: what the run cost, however many other processes share the cores (wall time does not say that on
 * a shared machine). A child replaced during the run loses its share, so it undercounts then, never overcounts.
 */
export function treeCpuSeconds(roots: number[]): number {
  return roots.flatMap((pid) => [pid, ...descendantsOf(pid)]).reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
}
