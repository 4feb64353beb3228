import type pg from "pg";

/**
 * Which storage folders have an owner in the database, for housekeeping's sweep of orphaned objects. SQL over pg
 * (the worker loads no Prisma client), each query one index lookup per id.
 */
export class StorageOwners {
  constructor(private readonly pool: pg.Pool) {}

  /** Of these document ids, those that have a row (`documents/<id>/` is theirs). */
  async documentsWithRows(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: string }>("SELECT id FROM documents WHERE id = ANY($1::uuid[])", [ids]);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * Of these direct-upload ids, those whose object (`uploads/<id>/`) must stay: it became a document's source, or it
   * may still become one (the upload has not expired, or expired less than `graceMs` ago: a client may have PUT it
   * just before its URL expired, and a document is created from it only afterwards).
   */
  async uploadsInUse(ids: readonly string[], graceMs: number): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT id FROM uploads WHERE id = ANY($1::uuid[])
         AND (document_id IS NOT NULL OR expires_at > now() - make_interval(secs => $2))`,
      [ids, graceMs / 1000],
    );
    return new Set(rows.map((r) => r.id));
  }
}
