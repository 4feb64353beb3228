import { ApiError, authHeaders } from "./api";
import type { ClientConfig, DocumentDetail } from "./types";

export type UploadProgress = (sentBytes: number, totalBytes: number) => void;

/** Sends a body with XMLHttpRequest (fetch cannot report upload progress) and resolves with the response. */
function send(method: string, url: string, body: XMLHttpRequestBodyInit, headers: Record<string, string>, onProgress: UploadProgress) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText });
    xhr.onerror = () => reject(new ApiError(0, "network", "The upload did not reach the server."));
    xhr.send(body);
  });
}

function parsed<T>(res: { status: number; text: string }): T {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    body = undefined;
  }
  if (res.status >= 200 && res.status < 300) return body as T;
  const error = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
  throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? `Upload failed (${res.status}).`);
}

/** What the server takes (it goes by the file's first bytes): a PDF, or an image whose every frame is a page. */
const acceptedTypes: Record<string, readonly string[]> = {
  "application/pdf": [".pdf"],
  "image/png": [".png"],
  "image/jpeg": [".jpg", ".jpeg"],
  "image/webp": [".webp"],
  "image/tiff": [".tif", ".tiff"],
};

/** The file input's `accept`: every type and extension above. */
export const acceptAttribute = Object.entries(acceptedTypes)
  .flatMap(([type, extensions]) => [type, ...extensions])
  .join(",");

/** The accepted type of a file, by its declared type or its extension; undefined when it is neither. */
export function acceptedTypeOf(file: { name: string; type: string }): string | undefined {
  if (file.type in acceptedTypes) return file.type;
  const name = file.name.toLowerCase();
  return Object.keys(acceptedTypes).find((type) => acceptedTypes[type]!.some((extension) => name.endsWith(extension)));
}

/** Multipart POST /api/documents: the file streams through the web process. */
async function uploadMultipart(file: File, title: string | undefined, onProgress: UploadProgress): Promise<DocumentDetail> {
  const form = new FormData();
  if (title) form.append("title", title);
  form.append("file", file, file.name);
  return parsed<DocumentDetail>(await send("POST", "/api/documents", form, authHeaders(), onProgress));
}

/**
 * Direct to S3 (no 30 s router limit): POST /api/uploads { filename, contentType, size } → { uploadId, url };
 * PUT the file to the presigned url; POST /api/documents { uploadId, title } creates and queues the document.
 */
async function uploadDirect(file: File, title: string | undefined, onProgress: UploadProgress): Promise<DocumentDetail> {
  const contentType = acceptedTypeOf(file) ?? "application/pdf";
  const jsonHeaders = authHeaders({ "Content-Type": "application/json" });
  const ticket = parsed<{ uploadId: string; url: string }>(
    await send("POST", "/api/uploads", JSON.stringify({ filename: file.name, contentType, size: file.size }), jsonHeaders, () => undefined),
  );
  const put = await send("PUT", ticket.url, file, { "Content-Type": contentType }, onProgress);
  if (put.status < 200 || put.status >= 300) throw new ApiError(put.status, "storage_upload_failed", "The file could not be stored.");
  return parsed<DocumentDetail>(
    await send("POST", "/api/documents", JSON.stringify({ uploadId: ticket.uploadId, ...(title ? { title } : {}) }), jsonHeaders, () => undefined),
  );
}

/** Uploads one PDF or image the way the server prefers (GET /api/config). */
export function uploadPdf(config: ClientConfig | null, file: File, title: string | undefined, onProgress: UploadProgress) {
  return config?.directUpload ? uploadDirect(file, title, onProgress) : uploadMultipart(file, title, onProgress);
}
