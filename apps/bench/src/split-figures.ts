/**
 * `--split`: what one large document across N workers costs besides pages/s. Every "page done" line of every worker
 * is counted per document and page (a page done twice would show here, where the upserted page rows would hide it),
 * and Redis's own command counters (INFO commandstats, on a Redis only this bench uses) give the commands per page
 * that the queue costs: BullMQ's locks, stall checks, flows, progress events, and the workers' metrics keys.
 */
export class SplitFigures {
  private readonly done = new Map<string, number>();
  private readonly workersWithPages = new Set<number>();

  /** A worker's output line (JSON): counted when it is a "page done" line. */
  line(worker: number, line: string): void {
    if (!line.includes('"page done"')) return;
    try {
      const { msg, documentId, page } = JSON.parse(line) as { msg?: string; documentId?: string; page?: number };
      if (msg !== "page done" || !documentId || !page) return;
      const key = `${documentId}:${page}`;
      this.done.set(key, (this.done.get(key) ?? 0) + 1);
      this.workersWithPages.add(worker);
    } catch {
      // not a log line
    }
  }

  /** Pages of `ids` done more than once, and the workers that did pages. */
  check(ids: string[], pagesEach: number[]): { everyPageOnce: boolean; pagesDoneTwice: number; workersWithPages: number } {
    let missing = 0;
    let twice = 0;
    ids.forEach((id, i) => {
      for (let page = 1; page <= (pagesEach[i] ?? 0); page++) {
        const n = this.done.get(`${id}:${page}`) ?? 0;
        if (n === 0) missing += 1;
        if (n > 1) twice += n - 1;
      }
    });
    return { everyPageOnce: missing === 0 && twice === 0, pagesDoneTwice: twice, workersWithPages: this.workersWithPages.size };
  }
}

/** Commands Redis has run so far (all commands, INFO's own included), from INFO commandstats. */
export async function redisCommands(redis: { info(section: "commandstats"): Promise<string> }): Promise<number> {
  const info = await redis.info("commandstats");
  let calls = 0;
  for (const match of info.matchAll(/^cmdstat_[^:]+:calls=(\d+)/gm)) calls += Number(match[1]);
  return calls;
}
