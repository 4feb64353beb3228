import { ApiError } from "../api";
import { formatBytes, h, toast } from "../dom";
import type { ClientConfig, DocumentDetail } from "../types";
import { acceptAttribute, acceptedTypeOf, uploadPdf } from "../upload";

/**
 * Drag-and-drop or pick PDFs or images (PNG, JPEG, WebP, TIFF). Each file is uploaded in turn with a progress line; `onUploaded` gets the queued
 * document. The drop zone is a real <label> for the file input, so it works by keyboard and screen reader too.
 */
export function uploadPanel(getConfig: () => ClientConfig | null, onUploaded: (doc: DocumentDetail) => void): HTMLElement {
  const input = h("input", { type: "file", id: "file-input", accept: acceptAttribute, multiple: true, class: "visually-hidden" });
  const title = h("input", { type: "text", id: "title-input", name: "title", maxlength: 500, placeholder: "Defaults to the file name", autocomplete: "off" });
  const status = h("ul", { class: "upload-list", "aria-live": "polite" });
  const drop = h(
    "label",
    { class: "dropzone", for: "file-input" },
    h("span", { class: "dropzone-icon", "aria-hidden": "true" }, "⇪"),
    h("span", { class: "dropzone-title" }, "Drop PDFs or images here, or ", h("span", { class: "linkish" }, "choose files")),
    h("span", { class: "dropzone-hint", id: "upload-hint" }, "PDF, PNG, JPEG, WebP or TIFF"),
  );

  const setHint = () => {
    const config = getConfig();
    const hint = drop.querySelector("#upload-hint");
    if (hint && config) hint.textContent = `PDF, PNG, JPEG, WebP or TIFF, up to ${formatBytes(config.maxUploadBytes)}${config.directUpload ? " · direct to storage" : ""}`;
  };

  async function uploadAll(files: File[]) {
    setHint();
    const pdfs = files.filter((f) => acceptedTypeOf(f) !== undefined);
    if (pdfs.length < files.length) toast("Only PDFs and PNG, JPEG, WebP or TIFF images can be uploaded; the others were skipped.", "error");
    const customTitle = pdfs.length === 1 ? title.value.trim() || undefined : undefined;
    for (const file of pdfs) {
      const bar = h("progress", { max: 100, value: 0, "aria-label": `Uploading ${file.name}` });
      const line = h("li", { class: "upload-item" }, h("span", { class: "upload-name" }, file.name), bar);
      status.prepend(line);
      try {
        const doc = await uploadPdf(getConfig(), file, customTitle, (sent, total) => (bar.value = Math.round((sent / total) * 100)));
        line.remove();
        onUploaded(doc);
      } catch (error) {
        const message = error instanceof ApiError ? error.message : "The upload failed.";
        line.replaceChildren(h("span", { class: "upload-name" }, file.name), h("span", { class: "upload-error", role: "alert" }, message));
        setTimeout(() => line.remove(), 10_000);
      }
    }
    title.value = "";
    input.value = "";
  }

  input.addEventListener("change", () => void uploadAll([...(input.files ?? [])]));
  for (const type of ["dragenter", "dragover"])
    drop.addEventListener(type, (e) => {
      e.preventDefault();
      drop.classList.add("dragging");
    });
  for (const type of ["dragleave", "drop"]) drop.addEventListener(type, () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    void uploadAll([...((e as DragEvent).dataTransfer?.files ?? [])]);
  });
  drop.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      input.click();
    }
  });
  drop.tabIndex = 0;
  setHint();

  return h(
    "section",
    { class: "card upload-card", "aria-labelledby": "upload-heading" },
    h("h2", { id: "upload-heading" }, "Upload"),
    input,
    drop,
    h("div", { class: "field" }, h("label", { for: "title-input" }, "Title ", h("span", { class: "muted" }, "(optional, single file)")), title),
    status,
  );
}
