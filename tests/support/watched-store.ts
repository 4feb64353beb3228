import type { ObjectStore } from "@pagewise/storage";

/**
 * `store` with every `putStream` the app starts recorded, settled either way (`storing`), and `onStart` called as
 * each begins. Tests wait on these instead of timing: a cut upload's stored part is removed after the access log's
 * line and after the connection closed, and an upload that reached the store is past every check before it.
 */
export function watchPutStreams(store: ObjectStore, onStart: () => void = () => undefined): { store: ObjectStore; storing: Promise<unknown>[] } {
  const storing: Promise<unknown>[] = [];
  const watched: ObjectStore = Object.create(store) as ObjectStore;
  watched.putStream = (...args) => {
    const stored = store.putStream(...args);
    storing.push(stored.catch(() => undefined));
    onStart();
    return stored;
  };
  return { store: watched, storing };
}
