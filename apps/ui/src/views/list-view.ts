import { api } from "../api";
import { announce, h, timeAgo } from "../dom";
import { followDocument } from "../live";
import { statusLabel } from "../progress";
import { isFinished, type ClientConfig, type DocumentSummary } from "../types";
import { actionButtons, type ActionButtons } from "./actions";
import { progressView } from "./progress-bar";
import { uploadPanel } from "./upload-panel";

/** Live streams at once: browsers allow ~6 connections per host over HTTP/1.1; the rest refresh by polling. */
const MAX_LIVE = 3;
const LIST_REFRESH_MS = 3000;

interface Row {
  doc: DocumentSummary;
  el: HTMLElement;
  progress: ReturnType<typeof progressView>;
  error: HTMLElement;
  actions: ActionButtons;
  stop?: () => void;
}

/** The home page: upload card and the document list with live progress. Returns a cleanup function. */
export function listView(main: HTMLElement, getConfig: () => ClientConfig | null): () => void {
  const rows = new Map<string, Row>();
  const list = h("ol", { class: "doc-list", "aria-label": "Documents, newest first" });
  const empty = h("p", { class: "empty" }, "No documents yet. Upload a PDF or an image to see it processed page by page.");
  const count = h("span", { class: "muted count" });
  let timer: number | undefined;
  let disposed = false;

  main.replaceChildren(
    h(
      "div",
      { class: "home" },
      uploadPanel(getConfig, (doc) => {
        upsert(doc, true);
        announce(`${doc.title} uploaded and queued.`);
        reconcileLive();
      }),
      h("section", { class: "card docs-card", "aria-labelledby": "docs-heading" }, h("div", { class: "card-head" }, h("h2", { id: "docs-heading" }, "Documents"), count), list, empty),
    ),
  );

  function errorText(doc: DocumentSummary) {
    return doc.status === "failed" && doc.error ? `${doc.error.message} (${doc.error.code})` : "";
  }

  function upsert(doc: DocumentSummary, prepend = false): Row {
    const existing = rows.get(doc.id);
    if (existing) {
      const was = existing.doc.status;
      existing.doc = { ...existing.doc, ...doc };
      refresh(existing);
      if (was !== doc.status) announce(`${doc.title}: ${statusLabel[doc.status]}.`);
      return existing;
    }
    const progress = progressView(doc);
    const error = h("p", { class: "doc-error", role: "note" });
    const row: Row = { doc, el: h("li"), progress, error, actions: actionButtons(doc, (d) => upsert(d), remove) };
    row.el = h(
      "li",
      { class: "doc-row", "data-id": doc.id },
      h(
        "div",
        { class: "doc-main" },
        h("a", { class: "doc-title", href: `#/documents/${doc.id}` }, doc.title),
        h("div", { class: "doc-meta" }, doc.filename, " · ", h("time", { datetime: doc.createdAt }, timeAgo(doc.createdAt))),
        progress.root,
        error,
      ),
      row.actions,
    );
    rows.set(doc.id, row);
    if (prepend) list.prepend(row.el);
    else list.append(row.el);
    refresh(row);
    return row;
  }

  function remove(id: string) {
    const row = rows.get(id);
    if (!row) return;
    row.stop?.();
    row.el.remove();
    rows.delete(id);
    empty.hidden = rows.size > 0;
    count.textContent = rows.size ? `${rows.size}` : "";
    announce(`${row.doc.title}: deleted.`);
  }

  function refresh(row: Row) {
    row.progress.update(row.doc);
    row.error.textContent = errorText(row.doc);
    row.error.hidden = !row.error.textContent;
    row.actions.render(row.doc);
    row.el.dataset.status = row.doc.status;
    empty.hidden = rows.size > 0;
    count.textContent = rows.size ? `${rows.size}` : "";
  }

  /** Follow the newest active documents live; stop following finished ones. */
  function reconcileLive() {
    const active = [...rows.values()].filter((r) => !isFinished(r.doc.status));
    active.sort((a, b) => b.doc.createdAt.localeCompare(a.doc.createdAt));
    const wanted = new Set(active.slice(0, MAX_LIVE).map((r) => r.doc.id));
    for (const row of rows.values()) {
      if (row.stop && !wanted.has(row.doc.id)) {
        row.stop();
        row.stop = undefined;
      }
      if (!row.stop && wanted.has(row.doc.id)) {
        row.stop = followDocument(row.doc.id, {
          onStatus: (status, error) => {
            upsert({ ...row.doc, status, error });
            if (isFinished(status)) {
              void api.document(row.doc.id).then((d) => upsert(d)).catch(() => undefined);
              reconcileLive();
            }
          },
          onProgress: (page, of) => upsert({ ...row.doc, pagesDone: page, pageCount: of }),
        });
      }
    }
    scheduleRefresh(active.length > MAX_LIVE);
  }

  function scheduleRefresh(needed: boolean) {
    if (timer) clearTimeout(timer);
    timer = needed && !disposed ? window.setTimeout(() => void load(), LIST_REFRESH_MS) : undefined;
  }

  async function load() {
    try {
      const { items } = await api.list(50);
      if (disposed) return;
      const known = new Set(rows.keys());
      for (const doc of [...items].reverse()) if (!known.has(doc.id)) upsert(doc, true);
      for (const doc of items) upsert(doc);
      refreshTimes();
      reconcileLive();
    } catch (error) {
      empty.hidden = false;
      empty.textContent = `The documents could not be loaded: ${(error as Error).message}`;
    }
  }

  function refreshTimes() {
    for (const row of rows.values()) row.progress.update(row.doc); // ETA moves with the clock
  }
  const clock = window.setInterval(refreshTimes, 1000);

  void load();
  return () => {
    disposed = true;
    clearInterval(clock);
    if (timer) clearTimeout(timer);
    for (const row of rows.values()) row.stop?.();
  };
}
