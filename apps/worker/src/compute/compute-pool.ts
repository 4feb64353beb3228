import type { Logger } from "@pagewise/logger";
import type { RenderLimits } from "@pagewise/pdf";
import { ComputeProcess } from "./compute-process";
import type { ChildConfig, OpenReply, PageReply } from "./protocol";

/** Celery's worker_max_tasks_per_child and worker_max_memory_per_child, for compute children. */
export interface RecyclePolicy {
  maxDocumentsPerChild: number;
  maxChildRssBytes: number;
}

/**
 * Compute children, one per document being processed, reused across documents (the detector stays loaded) and
 * recycled after N documents or above M bytes of RSS. RSS is checked after every page: a child over budget is
 * replaced before the next page, which re-opens the document in the new child.
 */
export class ComputePool {
  private readonly idle: ComputeProcess[] = [];
  private readonly all = new Set<ComputeProcess>();

  constructor(
    private readonly config: ChildConfig,
    private readonly policy: RecyclePolicy,
    private readonly log: Logger,
  ) {}

  session(pdfPath: string, maxPages: number, log: Logger, options: { ocr?: boolean } = {}): ComputeSession {
    return new ComputeSession(this, pdfPath, maxPages, log, options.ocr ?? false);
  }

  /** @internal */
  acquire(): ComputeProcess {
    while (this.idle.length) {
      const child = this.idle.pop() as ComputeProcess;
      if (child.alive) return child;
      this.all.delete(child);
    }
    const child = new ComputeProcess(this.config, this.log);
    this.all.add(child);
    return child;
  }

  /** @internal Back to the pool, or killed when it is over its document count or memory budget. */
  release(child: ComputeProcess): void {
    const reason = this.recycleReason(child);
    if (reason || !child.alive) {
      if (reason) this.log.info({ childPid: child.pid, reason, rssMb: Math.round(child.rss / 2 ** 20) }, "recycling compute child");
      this.retire(child);
      return;
    }
    this.idle.push(child);
  }

  /** @internal */
  overMemory(child: ComputeProcess): boolean {
    return child.rss > this.policy.maxChildRssBytes;
  }

  /** @internal */
  retire(child: ComputeProcess): void {
    child.kill();
    this.all.delete(child);
  }

  /** Stops every child (shutdown): in-flight requests fail with ComputeInterrupted. */
  killAll(): void {
    for (const child of this.all) child.kill();
    this.all.clear();
    this.idle.length = 0;
  }

  get size(): number {
    return this.all.size;
  }

  /** Sum of the children's RSS as of their last replies, bytes. */
  get childrenRss(): number {
    let total = 0;
    for (const child of this.all) if (child.alive) total += child.rss;
    return total;
  }

  private recycleReason(child: ComputeProcess): string | undefined {
    if (child.documentsStarted >= this.policy.maxDocumentsPerChild) return "max documents per child";
    if (this.overMemory(child)) return "max memory per child";
    return undefined;
  }
}

/** One document's use of a compute child. */
export class ComputeSession {
  private child: ComputeProcess | undefined;
  /** Serialises sending (not answering): page requests leave in order. */
  private submissions: Promise<void> = Promise.resolve();
  numPages = 0;

  constructor(
    private readonly pool: ComputePool,
    private readonly pdfPath: string,
    private readonly maxPages: number,
    private readonly log: Logger,
    /** The document asked for OCR: every page request says so. */
    private readonly ocr = false,
  ) {}

  async open(timeoutMs: number): Promise<number> {
    await this.ensureOpen(timeoutMs);
    return this.numPages;
  }

  /**
   * Asks for a page. Up to two page requests may be in flight (pipelining: the child renders the next page while
   * the detector works on this one); requests are sent in call order. A child over its memory budget is replaced
   * once its in-flight work is done, before the next request: the new child re-opens the document.
   */
  page(number: number, limits: RenderLimits, timeoutMs: number, startClockAfter?: Promise<unknown>): Promise<PageReply> {
    const sent = this.submissions.then(async () => {
      let child = await this.ensureOpen(timeoutMs);
      if (this.pool.overMemory(child)) {
        await child.idle();
        if (this.child === child && this.pool.overMemory(child)) {
          this.log.info({ childPid: child.pid, rssMb: Math.round(child.rss / 2 ** 20), page: number }, "compute child over its memory budget; replacing it");
          this.pool.retire(child);
          this.child = undefined;
        }
        child = await this.ensureOpen(timeoutMs);
      }
      return { reply: child.request<PageReply>({ type: "page", number, limits, ocr: this.ocr }, timeoutMs, startClockAfter) };
    });
    this.submissions = sent.then(
      () => undefined,
      () => undefined,
    );
    return sent.then(({ reply }) => reply);
  }

  /** Closes the document and hands the child back (or retires it). Never throws. */
  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    if (child.alive) await child.request({ type: "close" }, 10_000).catch(() => child.kill());
    child.openedPath = undefined;
    this.pool.release(child);
  }

  private async ensureOpen(timeoutMs: number): Promise<ComputeProcess> {
    if (this.child?.alive && this.child.openedPath === this.pdfPath) return this.child;
    if (this.child) this.pool.release(this.child);
    const child = this.pool.acquire();
    this.child = child;
    child.documentsStarted += 1;
    const { numPages } = await child.request<OpenReply>({ type: "open", path: this.pdfPath, maxPages: this.maxPages }, timeoutMs);
    child.openedPath = this.pdfPath;
    this.numPages = numPages;
    return child;
  }
}
