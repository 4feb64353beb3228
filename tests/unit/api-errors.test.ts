import fs from "node:fs";
import path from "node:path";
import { apiError, apiErrors, type ApiErrorCode } from "@pagewise/web/api-errors";
import { errorCodesOf, operations } from "@pagewise/web/openapi/document";
import { failureMessages } from "@pagewise/core";
import { repoRoot } from "../support/services";

/** The error table as docs/api.md must show it: one row per code of the list, in its order. */
function errorTable(): string {
  const rows = (Object.keys(apiErrors) as ApiErrorCode[]).map((code) => `| ${apiErrors[code].status} | \`${code}\` | ${apiErrors[code].message.replace(/\|/g, "\\|")} |`);
  return ["| status | code | message |", "|---:|---|---|", ...rows].join("\n");
}

/** The table of a failed document's codes as docs/api.md shows it: code and message, in the list's order. */
function failureTable(doc: string): string[] {
  const start = doc.indexOf("| code | message | when |");
  const end = doc.indexOf("\n\n", start);
  return doc
    .slice(start, end < 0 ? undefined : end)
    .split("\n")
    .slice(2)
    .map((row) => row.split(" | ").slice(0, 2).join(" | "));
}

describe("the typed list of API error codes", () => {
  it("is the error table of docs/api.md, row for row (regenerate the table from this test's errorTable())", () => {
    const doc = fs.readFileSync(path.join(repoRoot, "docs/api.md"), "utf8");
    const start = doc.indexOf("| status | code | message |");
    expect(start).toBeGreaterThan(0);
    const end = doc.indexOf("\n\n", start);
    // On a difference, paste the expected table printed here into docs/api.md.
    expect(doc.slice(start, end < 0 ? undefined : end).trim()).toBe(errorTable());
  });

  it("fills every placeholder, and keeps messages free of internals", () => {
    expect(apiError("file_too_large", { limit: 123 }).message).toBe("The file is larger than the upload limit of 123 bytes.");
    expect(apiError("not_found", { thing: "document" })).toMatchObject({ status: 404, code: "not_found", message: "No such document." });
    for (const { status, message } of Object.values(apiErrors)) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
      expect(message).not.toMatch(/stack|sql|prisma|postgres(?!ql)|\/work\/|node_modules/i);
    }
  });

  it("every code is answered by some operation of the OpenAPI document, except internal", () => {
    const used = new Set(operations.flatMap((op) => errorCodesOf(op, true)));
    const unused = (Object.keys(apiErrors) as ApiErrorCode[]).filter((code) => !used.has(code));
    expect(unused).toEqual(["internal"]);
  });
});

describe("the failure codes of a document", () => {
  it("are the failure table of docs/api.md, row for row (code and public message)", () => {
    const doc = fs.readFileSync(path.join(repoRoot, "docs/api.md"), "utf8");
    const expected = Object.entries(failureMessages).map(([code, message]) => `| \`${code}\` | ${message}`);
    expect(failureTable(doc)).toEqual(expected);
  });
});
