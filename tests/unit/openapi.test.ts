import { openApiDocument } from "@pagewise/web/openapi/document";

describe("OpenAPI document generated from the route schemas", () => {
  const doc = openApiDocument({ authRequired: false });

  it("is OpenAPI 3.1 with the documents routes and their parameters", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/documents", "/api/documents/{id}", "/api/documents/{id}/events", "/api/documents/{id}/pages/{n}", "/api/config", "/metrics"]));
    const get = doc.paths["/api/documents/{id}"]!.get as { parameters: Array<{ name: string; in: string; required: boolean; schema: { maximum?: number } }> };
    expect(get.parameters.map((p) => [p.name, p.in, p.required])).toEqual([["id", "path", true], ["wait", "query", false], ["since", "query", false]]);
    expect(get.parameters.find((p) => p.name === "wait")!.schema.maximum).toBe(60);
    expect(doc).not.toHaveProperty("security");
  });

  it("every $ref points at a component, and components come from the zod schemas", () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.split("/").pop()!.replace(/"$/, ""));
    const summary = doc.components.schemas.DocumentSummary as { properties: Record<string, unknown>; required: string[] };
    expect(summary.required).toEqual(expect.arrayContaining(["id", "status", "pagesDone", "error"]));
    expect(doc.components.schemas.DocumentStatus).toEqual({ type: "string", enum: ["queued", "processing", "succeeded", "failed", "cancelled"] });
  });

  it("adds the bearer scheme when an API key is configured, and keeps open routes open", () => {
    const secured = openApiDocument({ authRequired: true });
    expect(secured.security).toEqual([{ bearer: [] }]);
    expect((secured.paths["/healthz"]!.get as { security: unknown[] }).security).toEqual([]);
    expect((secured.paths["/api/documents"]!.get as { responses: Record<string, unknown> }).responses).toHaveProperty("401");
  });
});
