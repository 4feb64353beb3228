/** Deterministic storage keys: a re-delivered job overwrites, never duplicates. */
export const storageKeys = {
  source: (documentId: string) => `documents/${documentId}/source.pdf`,
  pageImage: (documentId: string, page: number) => `documents/${documentId}/pages/${page}.png`,
  pageJson: (documentId: string, page: number) => `documents/${documentId}/pages/${page}.json`,
  documentPrefix: (documentId: string) => `documents/${documentId}/`,
};
