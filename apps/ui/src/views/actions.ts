import { ApiError, api, features } from "../api";
import { h, toast } from "../dom";
import { isFinished, type DocumentDetail, type DocumentSummary } from "../types";

/**
 * Cancel (queued/processing) and Retry (failed/cancelled) buttons, and Delete (any status, after a confirmation). A
 * 404 from cancel/retry means the server has no such route: those buttons disappear everywhere. `onChanged` gets the
 * updated document, `onDeleted` the id of a deleted one.
 */
export type ActionButtons = HTMLElement & { render(doc: DocumentSummary): void };

export function actionButtons(doc: DocumentSummary, onChanged: (doc: DocumentDetail) => void, onDeleted: (id: string) => void): ActionButtons {
  const box = h("div", { class: "actions" });
  const render = (d: DocumentSummary) => {
    box.replaceChildren();
    box.append(deleteButton(d, onDeleted));
    if (!features.actions) return;
    const action = isFinished(d.status) ? (d.status === "succeeded" ? null : "retry") : "cancel";
    if (!action) return;
    const button = h(
      "button",
      { type: "button", class: action === "cancel" ? "button button-quiet" : "button", "data-action": action },
      action === "cancel" ? "Cancel" : "Retry",
    );
    button.setAttribute("aria-label", `${action === "cancel" ? "Cancel" : "Retry"} ${d.title}`);
    button.addEventListener("click", async (e) => {
      e.stopPropagation();
      button.disabled = true;
      try {
        const updated = await api.action(d.id, action);
        if (!updated) {
          document.querySelectorAll(`[data-action="cancel"], [data-action="retry"]`).forEach((b) => b.remove());
          toast(`This server does not support ${action} yet.`, "error");
          return;
        }
        toast(action === "cancel" ? `Cancelled “${d.title}”.` : `“${d.title}” is queued again.`);
        onChanged(updated);
      } catch (error) {
        toast(error instanceof ApiError ? error.message : `Could not ${action}.`, "error");
        button.disabled = false;
      }
    });
    box.prepend(button);
  };
  render(doc);
  return Object.assign(box, { render });
}

/** Delete: asks first (it cannot be undone), then DELETE /api/documents/{id}. */
function deleteButton(d: DocumentSummary, onDeleted: (id: string) => void): HTMLElement {
  const button = h("button", { type: "button", class: "button button-quiet", "data-action": "delete" }, "Delete");
  button.setAttribute("aria-label", `Delete ${d.title}`);
  button.addEventListener("click", async (e) => {
    e.stopPropagation();
    if (!window.confirm(`Delete “${d.title}” with its results? This cannot be undone.`)) return;
    button.disabled = true;
    try {
      await api.remove(d.id);
      toast(`Deleted “${d.title}”.`);
      onDeleted(d.id);
    } catch (error) {
      toast(error instanceof ApiError ? error.message : "Could not delete.", "error");
      button.disabled = false;
    }
  });
  return button;
}
