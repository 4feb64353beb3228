import { performance } from "node:perf_hooks";
import { Client } from "pg";

/**
 * Resolves with performance.now() at the moment the document's first page result is recorded (a `pages` row: the
 * image and JSON are stored by then), woken by the change feed (the `pagewise_documents` notification the
 * documents trigger sends after every committed change, pagesDone among them). Rejects after `timeoutMs`.
 */
export async function firstPageRecorded(databaseUrl: string, documentId: string, timeoutMs: number): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await new Promise<number>((resolve, reject) => {
      let settled = false;
      const check = async () => {
        const { rowCount } = await client.query("SELECT 1 FROM pages WHERE document_id = $1 LIMIT 1", [documentId]);
        if (rowCount && !settled) {
          settled = true;
          clearTimeout(timer);
          resolve(performance.now());
        }
      };
      const timer = setTimeout(() => {
        settled = true;
        reject(new Error(`no page of ${documentId} within ${timeoutMs} ms`));
      }, timeoutMs);
      client.on("notification", (message) => {
        if (message.payload === documentId) check().catch(reject);
      });
      // Listening before the first check: a page recorded in between is seen by the check or notified after it.
      client.query("LISTEN pagewise_documents").then(check).catch(reject);
    });
  } finally {
    await client.end();
  }
}
