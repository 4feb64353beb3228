import type { Logger } from "@pagewise/logger";
import type { ObjectStore } from "@pagewise/storage";

/** Where the sweep stopped in each area, so that the next run goes on from there (kept in Redis by the worker). */
export interface SweepCursor {
  get(area: string): Promise<string | undefined>;
  set(area: string, after: string | undefined): Promise<void>;
}

/** The database's side: of these ids, which own their folder (documents/<id>/ or uploads/<id>/). */
interface FolderOwners {
  documentsWithRows(ids: readonly string[]): Promise<Set<string>>;
  uploadsInUse(ids: readonly string[], graceMs: number): Promise<Set<string>>;
}

export interface OrphanSweepDeps {
  store: ObjectStore;
  owners: FolderOwners;
  cursor: SweepCursor;
  log: Logger;
  /** A folder without an owner is removed only when its newest object is older than this. */
  graceMs: number;
  /** Folders looked at per area and run (the next run goes on after the last one). */
  batch: number;
  /** The clock objects' ages are measured with (tests move it). */
  now?: () => number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Removes storage folders that no row owns, once their newest object is older than the grace period:
 * - `documents/<id>/` with no document row: the web stores the upload before it writes the row, so a process killed
 *   in between (or a row that could not be written and a cleanup that failed too) leaves the source behind;
 * - `uploads/<id>/` of a direct upload that no document was made from and whose URL expired more than the grace
 *   period ago (a client PUT it and never called POST /api/documents), or with no upload row at all.
 * Only uuid-named folders are considered: anything else in the bucket is not Pagewise's to remove. Each run looks at
 * `batch` folders per area, after where the previous run stopped, and wraps around at the end.
 */
export async function sweepOrphans(deps: OrphanSweepDeps): Promise<{ looked: number; removed: string[] }> {
  const areas = [
    { prefix: "documents/", owned: (ids: string[]) => deps.owners.documentsWithRows(ids) },
    { prefix: "uploads/", owned: (ids: string[]) => deps.owners.uploadsInUse(ids, deps.graceMs) },
  ];
  const removed: string[] = [];
  let looked = 0;
  for (const area of areas) {
    const folders = await deps.store.listFolders(area.prefix, { startAfter: await deps.cursor.get(area.prefix), limit: deps.batch });
    await deps.cursor.set(area.prefix, folders.length < deps.batch ? undefined : folders[folders.length - 1]);
    looked += folders.length;
    const byId = new Map(folders.map((folder) => [folder.slice(area.prefix.length, -1), folder]));
    const ids = [...byId.keys()].filter((id) => UUID.test(id));
    const owned = await area.owned(ids);
    const oldest = (deps.now ?? Date.now)() - deps.graceMs;
    for (const id of ids.filter((i) => !owned.has(i))) {
      const folder = byId.get(id)!;
      const lastModified = await deps.store.lastModified(folder);
      if (!lastModified || lastModified.getTime() > oldest) continue;
      const objects = await deps.store.deletePrefix(folder);
      removed.push(folder);
      deps.log.warn({ folder, objects, lastModified: lastModified.toISOString() }, "removed orphaned storage (no row owns it)");
    }
  }
  return { looked, removed };
}
