import { DEFAULT_MAX_IMAGE_PIXELS, type SourceKind } from "@pagewise/core";
import type { Logger } from "@pagewise/logger";
import type { RenderLimits } from "@pagewise/pdf";
import { ComputeProcess } from "./compute-process";
import type { ChildConfig, OpenReply, PageReply } from "./protocol";

/** Celery's worker_max_tasks_per_child, and a memory ceiling enforced while the child works. */
export interface ChildPolicy {
  maxDocumentsPerChild: number;
  /** Pages a child renders (across documents) before it is replaced between two pages (WORKER_MAX_PAGES_PER_CHILD). */
  maxPagesPerChild: number;
  /** SIGKILL on crossing it while a request runs (WORKER_MAX_CHILD_RSS_MB). */
  memoryCeilingBytes: number;
}

/**
 * A child that ends a page above this share of its ceiling is replaced before the next page: memory that grows with
 * the child's age (allocator fragmentation, caches) renews the child between pages instead of crossing the ceiling
 * in the middle of one, which would cost the page a retry at a reduced budget.
 */
export const RECYCLE_SHARE_OF_CEILING = 0.95;

/** What a page may use: its render limits and, when reduced, a pixel budget for embedded images (pdf.js' maxImageSize). */
export interface PageBudget {
  limits: RenderLimits;
  maxImagePixels?: number;
}

/**
 * Compute children, one per document being processed, reused across documents (the detector stays loaded) and
 * recycled after N documents, after N pages, or when a page leaves one near its memory ceiling. Both are checked
 * between pages: such a child is replaced before the next page, which re-opens the document in the new child. The
 * page count bounds what grows with a child's age (allocator fragmentation, V8's old space, onnxruntime's arena), which
 * the document's own re-opening in packages/pdf does not: without it a 1,370-page manual peaked 70 MB above its first
 * 30 pages (docs/memory.md). The ceiling itself is enforced by each child's watchdog while it works (ComputeProcess).
 */
export class ComputePool {
  private readonly idle: ComputeProcess[] = [];
  private readonly all = new Set<ComputeProcess>();

  constructor(
    private readonly config: ChildConfig,
    private readonly policy: ChildPolicy,
    private readonly log: Logger,
  ) {}

  session(pdfPath: string, maxPages: number, log: Logger, options: SessionOptions = {}): ComputeSession {
    return new ComputeSession(this, pdfPath, maxPages, log, options);
  }

  /** @internal */
  acquire(): ComputeProcess {
    while (this.idle.length) {
      const child = this.idle.pop() as ComputeProcess;
      if (child.alive) return child;
      this.all.delete(child);
    }
    const child = new ComputeProcess(this.config, this.log, { memoryCeilingBytes: this.policy.memoryCeilingBytes });
    this.all.add(child);
    return child;
  }

  /**
   * Starts a child now, idle, so its start-up (Node, pdf.js, onnxruntime and the model: most of a cold worker's
   * first page) overlaps the worker's own (modules, Redis, PostgreSQL) instead of following the first job. A worker
   * holds an idle child after its first document anyway; this only brings it forward.
   */
  prewarm(): void {
    if (this.all.size > 0) return;
    const child = new ComputeProcess(this.config, this.log, { memoryCeilingBytes: this.policy.memoryCeilingBytes });
    this.all.add(child);
    this.idle.push(child);
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

  /** @internal Near its ceiling after its last reply: replace it before it takes more work. */
  overMemory(child: Pick<ComputeProcess, "rss">): boolean {
    return child.rss > this.policy.memoryCeilingBytes * RECYCLE_SHARE_OF_CEILING;
  }

  /** @internal Why a child must be replaced before its next page (memory or age in pages), if it must. */
  replaceBeforePage(child: Pick<ComputeProcess, "rss" | "pagesStarted">): string | undefined {
    if (this.overMemory(child)) return "max memory per child";
    if (child.pagesStarted >= this.policy.maxPagesPerChild) return "max pages per child";
    return undefined;
  }

  /** @internal */
  retire(child: ComputeProcess): void {
    child.kill();
    this.all.delete(child);
  }

  /**
   * Stops every child (shutdown): in-flight requests fail with ComputeInterrupted. Resolves once each has exited and
   * its temporary directory is gone.
   */
  async killAll(): Promise<void> {
    const children = [...this.all];
    for (const child of children) child.kill();
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(children.map((child) => child.exited));
  }

  /** Sum of the children's RSS as of their last replies, bytes. */
  get childrenRss(): number {
    let total = 0;
    for (const child of this.all) if (child.alive) total += child.rss;
    return total;
  }

  private recycleReason(child: ComputeProcess): string | undefined {
    if (child.documentsStarted >= this.policy.maxDocumentsPerChild) return "max documents per child";
    return this.replaceBeforePage(child);
  }
}

export interface SessionOptions {
  /** The document asked for OCR: every page request says so. */
  ocr?: boolean;
  /** What the source is (preflight sniffed it); a PDF when absent. */
  kind?: SourceKind;
  /** MAX_IMAGE_PIXELS: an image frame declaring more is refused before decoding. */
  maxDeclaredPixels?: number;
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
    private readonly options: SessionOptions = {},
  ) {}

  async open(timeoutMs: number): Promise<number> {
    await this.ensureOpen(timeoutMs);
    return this.numPages;
  }

  /**
   * Asks for a page. Up to two page requests may be in flight (pipelining: the child renders the next page while
   * the detector works on this one); requests are sent in call order. A child near its memory ceiling is replaced
   * once its in-flight work is done, before the next request: the new child re-opens the document. A budget with its
   * own image pixel budget re-opens the document with it (and the next normal page re-opens it without).
   */
  page(number: number, budget: PageBudget, timeoutMs: number, startClockAfter?: Promise<unknown>): Promise<PageReply> {
    const sent = this.submissions.then(async () => {
      let child = await this.ensureOpen(timeoutMs, budget.maxImagePixels);
      if (this.pool.replaceBeforePage(child)) {
        await child.idle();
        const reason = this.child === child ? this.pool.replaceBeforePage(child) : undefined;
        if (reason) {
          this.log.info({ childPid: child.pid, reason, rssMb: Math.round(child.rss / 2 ** 20), pagesStarted: child.pagesStarted, page: number }, "recycling compute child between pages");
          this.pool.retire(child);
          this.child = undefined;
        }
        child = await this.ensureOpen(timeoutMs, budget.maxImagePixels);
      }
      child.pagesStarted += 1;
      const request = { type: "page", number, limits: budget.limits, ocr: this.options.ocr ?? false } as const;
      return { reply: child.request<PageReply>(request, timeoutMs, startClockAfter) };
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

  /**
   * The session's child with the document open under `maxImagePixels`: the current one, the current one re-opening
   * the document with another image budget, or a fresh one (after a kill, or the first time).
   */
  private async ensureOpen(timeoutMs: number, maxImagePixels?: number): Promise<ComputeProcess> {
    const current = this.child;
    if (current?.alive && current.openedPath === this.pdfPath && current.openedMaxImagePixels === maxImagePixels) return current;
    let child: ComputeProcess;
    if (current?.alive && current.openedPath === this.pdfPath) {
      child = current; // the same document under another budget: `open` replaces the open document
    } else {
      if (current) this.pool.release(current);
      child = this.pool.acquire();
      this.child = child;
      child.documentsStarted += 1;
    }
    child.openedPath = undefined;
    const request = {
      type: "open",
      path: this.pdfPath,
      kind: this.options.kind ?? "pdf",
      maxPages: this.maxPages,
      maxDeclaredPixels: this.options.maxDeclaredPixels ?? DEFAULT_MAX_IMAGE_PIXELS,
      maxImagePixels,
    } as const;
    const { numPages } = await child.request<OpenReply>(request, timeoutMs);
    child.openedPath = this.pdfPath;
    child.openedMaxImagePixels = maxImagePixels;
    this.numPages = numPages;
    return child;
  }
}
