import { execFileSync } from "node:child_process";
import { repoRoot } from "../support/services";

/**
 * pg's Cloudflare probe constructs a `Response` on Node 20, which loads Node's bundled undici (~7 MB); the db package
 * loads pg without it (packages/db/src/pg.ts) and leaves no `navigator` global behind. Checked in a fresh process
 * per entry point, on the compiled package (`npm test` builds first).
 */
describe("pg is loaded without undici", () => {
  const probe = (entry: string) =>
    JSON.parse(
      execFileSync(process.execPath, [
        "-e",
        `require(${JSON.stringify(entry)}); console.log(JSON.stringify({ undici: process.moduleLoadList.some((m) => m.includes("undici")), navigator: typeof navigator, pool: typeof require(require.resolve("pg", { paths: [${JSON.stringify(repoRoot + "/packages/db")}] })).Pool }))`,
      ], { cwd: repoRoot, encoding: "utf8" }),
    ) as { undici: boolean; navigator: string; pool: string };

  it.each(["./packages/db/dist/progress.js", "./packages/db/dist/index.js"])("%s", (entry) => {
    expect(probe(entry)).toEqual({ undici: false, navigator: "undefined", pool: "function" });
  });

  it("a bare require of pg does load undici on this Node (what the loader avoids)", () => {
    const major = Number(process.versions.node.split(".")[0]);
    if (major >= 21) return; // Node 21+ defines navigator: pg never probes
    expect(probe(require.resolve("pg", { paths: [`${repoRoot}/packages/db`] })).undici).toBe(true);
  });
});
