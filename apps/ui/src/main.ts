import "./styles.css";
import { api, apiKey, ApiError } from "./api";
import { h } from "./dom";
import type { ClientConfig } from "./types";
import { documentView } from "./views/document-view";
import { listView } from "./views/list-view";

let config: ClientConfig | null = null;
let cleanup: (() => void) | undefined;
const main = document.getElementById("main") as HTMLElement;
const keyButton = document.getElementById("api-key-button") as HTMLButtonElement;

/** Hash routes: #/ (documents), #/documents/{id}, #/documents/{id}/pages/{n}. */
function route() {
  cleanup?.();
  const match = /^#\/documents\/([0-9a-f-]{36})(?:\/pages\/(\d+))?$/i.exec(location.hash);
  if (match?.[1]) {
    cleanup = documentView(main, match[1], match[2] ? Number(match[2]) : undefined);
  } else {
    document.title = "Pagewise";
    cleanup = listView(main, () => config);
  }
}

/** Asks for the API key (stored in this browser only) when the server requires one. */
function keyDialog(reason: string): Promise<void> {
  return new Promise((resolve) => {
    const input = h("input", { type: "password", id: "api-key-input", autocomplete: "off", required: true });
    const dialog = h(
      "dialog",
      { class: "card key-dialog", "aria-labelledby": "key-heading" },
      h(
        "form",
        { method: "dialog" },
        h("h2", { id: "key-heading" }, "API key"),
        h("p", { class: "muted" }, reason),
        h("div", { class: "field" }, h("label", { for: "api-key-input" }, "Key"), input),
        h("div", { class: "dialog-actions" }, h("button", { class: "button", value: "ok" }, "Save")),
      ),
    );
    dialog.addEventListener("close", () => {
      if (input.value.trim()) apiKey.set(input.value.trim());
      dialog.remove();
      resolve();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

async function start() {
  try {
    config = await api.config();
  } catch {
    config = null; // an older server: multipart upload, no key
  }
  if (config?.authRequired) {
    keyButton.hidden = false;
    keyButton.addEventListener("click", () => void keyDialog("Replace the key this browser sends.").then(route));
    if (!apiKey.get()) await keyDialog("This server requires an API key for its API.");
    try {
      await api.list(1);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) await keyDialog("That key was not accepted. Try again.");
    }
  }
  window.addEventListener("hashchange", route);
  route();
}

void start();
