import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { openApiDocument } from "@pagewise/web/openapi/document";
import { repoRoot } from "../support/services";

const run = promisify(execFile);
const cli = path.join(repoRoot, "node_modules/@redocly/cli/bin/cli.js");

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

/** `redocly lint --extends recommended` on the document as served, with and without an API key. */
async function lint(authRequired: boolean): Promise<LintReport> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-openapi-"));
  const file = path.join(dir, "openapi.json");
  fs.writeFileSync(file, JSON.stringify(openApiDocument({ authRequired })));
  try {
    // Redocly's CLI exits 1 when it finds errors; the JSON report on stdout is what counts.
    const result = await run(process.execPath, [cli, "lint", file, "--extends", "recommended", "--format", "json"], {
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
      maxBuffer: 16 * 2 ** 20,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
    return JSON.parse(result.stdout) as LintReport;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const summary = (report: LintReport) => report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);

describe("the OpenAPI document passes an established linter (Redocly CLI, recommended rules)", () => {
  it.each([false, true])("with authRequired=%s: no errors and no warnings", async (authRequired) => {
    const report = await lint(authRequired);
    expect(summary(report)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 30_000);
});
