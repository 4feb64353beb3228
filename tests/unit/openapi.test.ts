import { openApiDocument } from "@pagewise/web/openapi/document";

describe("OpenAPI document generated from the route schemas", () => {
  const doc = openApiDocument({ authRequired: false });

  it("is OpenAPI 3.1 with the documents routes and their parameters", () => {
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/documents",
        "/api/documents/{id}",
        "/api/documents/{id}/events",
        "/api/documents/{id}/pages/{n}",
        "/api/documents/{id}/export",
        "/api/files/{key}",
        "/api/uploads",
        "/api/config",
        "/metrics",
      ]),
    );
    const get = doc.paths["/api/documents/{id}"]!.get as { parameters: Array<{ name: string; in: string; required: boolean; schema: { maximum?: number } }> };
    expect(get.parameters.map((p) => [p.name, p.in, p.required])).toEqual([["id", "path", true], ["wait", "query", false], ["since", "query", false]]);
    expect(get.parameters.find((p) => p.name === "wait")!.schema.maximum).toBe(60);
    // No API_KEY: no requirement is enough (a key sent anyway does no harm).
    expect(doc.security).toEqual([{}, { apiKey: [] }]);
  });

  it("gives every operation a unique operationId, a security requirement and its 4xx answers from the error list", () => {
    const ops = Object.values(doc.paths).flatMap((methods) => Object.values(methods)) as Array<{
      operationId: string;
      security: unknown[];
      responses: Record<string, { description: string }>;
    }>;
    expect(new Set(ops.map((o) => o.operationId)).size).toBe(ops.length);
    for (const op of ops) {
      expect(op.security).toBeDefined();
      expect(Object.keys(op.responses).some((status) => status.startsWith("4"))).toBe(true);
    }
    const upload = doc.paths["/api/documents"]!.post as { responses: Record<string, { description: string }> };
    expect(upload.responses["422"]!.description).toContain("`idempotency_key_reused`");
    expect(upload.responses["403"]!.description).toContain("`cross_site_request`");
    const codes = (doc.components.schemas.ErrorCode as { enum: string[] }).enum;
    expect(codes).toEqual(expect.arrayContaining(["not_found", "bad_title", "internal"]));
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
    expect(secured.security).toEqual([{ apiKey: [] }]);
    expect((secured.paths["/healthz"]!.get as { security: unknown[] }).security).toEqual([]);
    expect((secured.paths["/api/documents"]!.get as { responses: Record<string, unknown> }).responses).toHaveProperty("401");
  });
});
