import type { ClientConfig, DocumentDetail, DocumentSummary, PageResult, SkippedPage } from "./types";

const KEY_STORAGE = "pagewise.apiKey";

/** An API error: HTTP status and the `{ error: { code, message } }` body when there was one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const apiKey = {
  get: (): string | null => localStorage.getItem(KEY_STORAGE),
  set: (key: string | null) => (key ? localStorage.setItem(KEY_STORAGE, key) : localStorage.removeItem(KEY_STORAGE)),
};

/** Headers for our own API: the bearer key when one is stored. */
export function authHeaders(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.get();
  return key ? { ...extra, Authorization: `Bearer ${key}` } : extra;
}

/** Our own origin's URLs get the key; presigned S3 URLs (other origins) carry their own signature. */
export const isOwnUrl = (url: string): boolean => new URL(url, location.href).origin === location.origin;

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = isOwnUrl(path) ? authHeaders(init.headers as Record<string, string> | undefined) : (init.headers as Record<string, string>);
  return fetch(path, { ...init, headers });
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
  } catch {
    // not JSON
  }
  return new ApiError(res.status, code, message);
}

async function json<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await request(path, init);
  if (!res.ok) throw await errorFrom(res);
  return (await res.json()) as T;
}

/** Route-level support the page discovers by asking: a 404 from an action on an existing document = no route. */
export const features = {
  actions: true,
  exportRoute: null as boolean | null,
};

export const api = {
  config: () => json<ClientConfig>("/api/config"),
  list: (limit = 50) => json<{ items: DocumentSummary[]; nextCursor: string | null }>(`/api/documents?limit=${limit}`),
  document: (id: string, wait?: { seconds: number; since: string }) =>
    json<DocumentDetail>(
      wait ? `/api/documents/${id}?wait=${wait.seconds}&since=${encodeURIComponent(wait.since)}` : `/api/documents/${id}`,
    ),
  page: (id: string, n: number) => json<(PageResult & { imageUrl: string; jsonUrl: string }) | SkippedPage>(`/api/documents/${id}/pages/${n}`),

  /** POST cancel/retry. Resolves with the document, or null when the server has no such route (404). */
  async action(id: string, action: "cancel" | "retry"): Promise<DocumentDetail | null> {
    const res = await request(`/api/documents/${id}/${action}`, { method: "POST" });
    if (res.status === 404) {
      features.actions = false;
      return null;
    }
    if (!res.ok) throw await errorFrom(res);
    return (await res.json()) as DocumentDetail;
  },

  /** DELETE the document (rows and stored files). A 404 means it is gone already: deleted all the same. */
  async remove(id: string): Promise<void> {
    const res = await request(`/api/documents/${id}`, { method: "DELETE" });
    if (res.status !== 204 && res.status !== 404) throw await errorFrom(res);
  },

  /** The server's whole-document export, or null when the route does not exist (then the page builds it). */
  async exportJson(id: string): Promise<unknown | null> {
    if (features.exportRoute === false) return null;
    const res = await request(`/api/documents/${id}/export?format=json`);
    if (res.status === 404 || res.status === 405 || res.status === 501) {
      features.exportRoute = false;
      return null;
    }
    if (!res.ok) throw await errorFrom(res);
    features.exportRoute = true;
    return res.json();
  },
};
