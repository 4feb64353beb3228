import { h } from "../dom";
import { progressInfo, statusLabel } from "../progress";
import type { DocumentSummary } from "../types";

/** Status pill + progress bar + "Page n of N · about 20 s left", updated in place by `update(doc)`. */
export function progressView(doc: DocumentSummary) {
  const pill = h("span", { class: "pill" });
  const fill = h("div", { class: "bar-fill" });
  const bar = h("div", { class: "bar", role: "progressbar", "aria-valuemin": 0 }, fill);
  const label = h("span", { class: "progress-label" });
  const eta = h("span", { class: "progress-eta" });
  const root = h("div", { class: "progress" }, h("div", { class: "progress-head" }, pill, label, eta), bar);

  function update(d: DocumentSummary) {
    const info = progressInfo(d, Date.now());
    root.dataset.status = d.status;
    pill.textContent = statusLabel[d.status];
    pill.className = `pill pill-${d.status}`;
    label.textContent = info.label;
    eta.textContent = info.eta;
    bar.setAttribute("aria-label", `${d.title}: progress`);
    bar.setAttribute("aria-valuetext", [info.label, info.eta].filter(Boolean).join(", "));
    if (d.pageCount) {
      bar.setAttribute("aria-valuemax", String(d.pageCount));
      bar.setAttribute("aria-valuenow", String(d.pagesDone));
    } else {
      bar.removeAttribute("aria-valuemax");
      bar.removeAttribute("aria-valuenow");
    }
    bar.classList.toggle("indeterminate", info.fraction === null);
    fill.style.width = `${Math.round((info.fraction ?? 0) * 100)}%`;
    root.dataset.complete = String(d.pageCount !== null && d.pagesDone >= d.pageCount);
  }
  update(doc);
  return { root, update };
}
