import { ApiError, api, features } from "../api";
import { h, toast } from "../dom";
import { isFinished, type DocumentDetail, type DocumentSummary } from "../types";

/**
 * Cancel (queued/processing) and Retry (failed/cancelled) buttons. A 404 from the server means it has no such
 * route: the buttons disappear everywhere. `onChanged` gets the updated document.
 */
export type ActionButtons = HTMLElement & { render(doc: DocumentSummary): void };

export function actionButtons(doc: DocumentSummary, onChanged: (doc: DocumentDetail) => void): ActionButtons {
  const box = h("div", { class: "actions" });
  const render = (d: DocumentSummary) => {
    box.replaceChildren();
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
          document.querySelectorAll("[data-action]").forEach((b) => b.remove());
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
    box.append(button);
  };
  render(doc);
  return Object.assign(box, { render });
}
