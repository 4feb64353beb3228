import { ApiError, api, isOwnUrl, authHeaders } from "../api";
import { buildDocumentExport, exportFilename } from "../document-export";
import { announce, h, timeAgo, toast } from "../dom";
import { followDocument } from "../live";
import { statusLabel } from "../progress";
import { isFinished, isSkipped, type DocumentDetail, type PageLinks, type PageResult, type SkippedPage } from "../types";
import { actionButtons, type ActionButtons } from "./actions";
import { pageFigure, skippedPageFigure } from "./page-figure";
import { progressView } from "./progress-bar";

const OVERLAY_KEY = "pagewise.overlay";

function saveJson(data: unknown, filename: string) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
  const a = h("a", { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** One document: live progress, the error when it failed, actions, downloads and every processed page. */
export function documentView(main: HTMLElement, id: string, focusPage?: number): () => void {
  let doc: DocumentDetail | null = null;
  let stopLive: (() => void) | undefined;
  let disposed = false;
  let refreshing: Promise<void> | null = null;
  let again = false;
  const figures = new Map<number, { el: HTMLElement; ensureOverlay(): Promise<void> }>();

  const pagesEl = h("div", { class: "pages", "aria-label": "Pages" });
  const heading = h("h1", { class: "doc-heading", tabindex: -1 }, "Loading…");
  const meta = h("p", { class: "doc-meta" });
  const errorBox = h("div", { class: "error-box", role: "alert", hidden: true });
  const mode = h("span", { class: "live-mode muted" });
  const overlayToggle = h("input", { type: "checkbox", id: "overlay-toggle", role: "switch" });
  overlayToggle.checked = localStorage.getItem(OVERLAY_KEY) !== "off";
  const downloadAll = h("button", { type: "button", class: "button", disabled: true }, "Download JSON");
  let progress: ReturnType<typeof progressView> | undefined;
  let actions: ActionButtons | undefined;
  const progressSlot = h("div", { class: "progress-slot" });
  const actionsSlot = h("div");

  main.replaceChildren(
    h(
      "article",
      { class: "doc-view" },
      h("a", { class: "back", href: "#/" }, "← All documents"),
      h(
        "header",
        { class: "card doc-header" },
        heading,
        meta,
        progressSlot,
        errorBox,
        h(
          "div",
          { class: "toolbar" },
          h("label", { class: "switch", for: "overlay-toggle" }, overlayToggle, h("span", { class: "switch-track", "aria-hidden": "true" }), "Show detection overlay"),
          h("span", { class: "spacer" }),
          mode,
          actionsSlot,
          downloadAll,
        ),
      ),
      pagesEl,
    ),
  );

  const applyOverlay = () => {
    pagesEl.classList.toggle("overlay-on", overlayToggle.checked);
    localStorage.setItem(OVERLAY_KEY, overlayToggle.checked ? "on" : "off");
    if (overlayToggle.checked) for (const f of figures.values()) void f.ensureOverlay().catch(() => undefined);
  };
  overlayToggle.addEventListener("change", applyOverlay);

  async function downloadPage(page: PageLinks) {
    try {
      const res = await fetch(page.jsonUrl, isOwnUrl(page.jsonUrl) ? { headers: authHeaders() } : {});
      if (!res.ok) throw new Error(String(res.status));
      saveJson(await res.json(), exportFilename(doc?.title ?? "document", `-page-${page.number}`));
    } catch {
      window.open(page.jsonUrl, "_blank", "noopener"); // e.g. a bucket without CORS: let the browser fetch it
    }
  }

  downloadAll.addEventListener("click", async () => {
    if (!doc) return;
    downloadAll.disabled = true;
    try {
      const fromServer = await api.exportJson(doc.id);
      const data =
        fromServer ??
        buildDocumentExport(doc, await Promise.all(doc.pages.map((p) => api.page(doc!.id, p.number) as Promise<PageResult | SkippedPage>)));
      saveJson(data, exportFilename(doc.title));
    } catch (error) {
      toast(error instanceof ApiError ? error.message : "The export failed.", "error");
    } finally {
      downloadAll.disabled = !doc?.pages.length;
    }
  });

  function render(d: DocumentDetail) {
    const first = !doc;
    const wasStatus = doc?.status;
    doc = d;
    if (first) {
      document.title = `${d.title} · Pagewise`;
      heading.textContent = d.title;
      progress = progressView(d);
      progressSlot.replaceChildren(progress.root);
      actions = actionButtons(d, (u) => void refresh(u), () => (location.hash = "#/"));
      actionsSlot.replaceChildren(actions);
    }
    meta.replaceChildren(
      d.filename,
      d.detector ? ` · ${d.detector}` : "",
      " · uploaded ",
      h("time", { datetime: d.createdAt }, timeAgo(d.createdAt)),
    );
    progress?.update(d);
    actions?.render(d);
    errorBox.hidden = !(d.status === "failed" && d.error);
    errorBox.replaceChildren(
      ...(d.error && d.status === "failed" ? [h("strong", {}, "This document failed. "), d.error.message, h("code", {}, d.error.code)] : []),
    );
    for (const page of d.pages) {
      if (figures.has(page.number)) continue;
      const fig = isSkipped(page) ? skippedPageFigure(page) : pageFigure(d.id, page, (p) => void downloadPage(p));
      figures.set(page.number, fig);
      pagesEl.append(fig.el);
      if (overlayToggle.checked) void fig.ensureOverlay().catch(() => undefined);
    }
    if (!d.pages.length) pagesEl.replaceChildren(h("p", { class: "empty" }, isFinished(d.status) ? "No pages were processed." : "Pages appear here as they are processed."));
    else pagesEl.querySelector(".empty")?.remove();
    downloadAll.disabled = !d.pages.length;
    if (wasStatus && wasStatus !== d.status) announce(`${d.title}: ${statusLabel[d.status]}.`);
  }

  /** Re-reads the document (new pages' links); calls never overlap, a request during one runs once after it. */
  async function refresh(known?: DocumentDetail) {
    if (known) return render(known);
    if (refreshing) {
      again = true;
      return refreshing;
    }
    refreshing = (async () => {
      do {
        again = false;
        const d = await api.document(id);
        if (!disposed) render(d);
      } while (again && !disposed);
    })().finally(() => (refreshing = null));
    return refreshing;
  }

  void (async () => {
    try {
      await refresh();
      heading.focus();
      if (focusPage) document.getElementById(`page-${focusPage}`)?.scrollIntoView();
      applyOverlay();
      stopLive = followDocument(id, {
        onStatus: (status) => {
          if (doc && status !== doc.status) void refresh();
        },
        onProgress: (page, of) => {
          if (!doc) return;
          if (page !== doc.pagesDone || of !== doc.pageCount) {
            render({ ...doc, pagesDone: page, pageCount: of });
            announce(`Page ${page} of ${of} done.`);
            void refresh();
          }
        },
        onMode: (m) => {
          mode.textContent = m === "sse" ? "● live" : "● polling";
          mode.dataset.mode = m;
          mode.title = m === "sse" ? "Updates arrive as Server-Sent Events" : "Updates arrive by long-polling";
        },
      });
    } catch (error) {
      heading.textContent = error instanceof ApiError && error.status === 404 ? "No such document" : "The document could not be loaded";
      meta.textContent = error instanceof Error ? error.message : "";
    }
  })();

  return () => {
    disposed = true;
    stopLive?.();
  };
}
