import type PgModule from "pg";

/**
 * `pg`, loaded without the Cloudflare probe that makes Node 20 load undici. When pg's stream module is evaluated it
 * asks whether it runs on Cloudflare Workers: by `navigator.userAgent`, or where there is no `navigator` (Node 20;
 * Node 21+ has one) by constructing a `Response`, which loads Node's bundled undici: megabytes of RSS in a process
 * that never uses fetch. So for the one synchronous require here, Node 20 gets the `navigator` that newer
 * Nodes define, and it is removed again before anything else runs. Every import of pg's values in this package comes
 * through here, and before any module that loads pg itself (Prisma's adapter, see client.ts).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- the require must run between setting and removing the global */
function loadPg(): typeof PgModule {
  if ("navigator" in globalThis) return require("pg") as typeof PgModule;
  Object.defineProperty(globalThis, "navigator", { value: { userAgent: "Node.js" }, configurable: true });
  try {
    return require("pg") as typeof PgModule;
  } finally {
    delete (globalThis as { navigator?: unknown }).navigator;
  }
}
/* eslint-enable @typescript-eslint/no-require-imports */

export const pg = loadPg();
