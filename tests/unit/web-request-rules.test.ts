import { parseEnv, webEnvSchema } from "@pagewise/config";
import { statusEventData, stateTag, progressEventData } from "@pagewise/web/live/document-state";
import { documentIdInPath, requestIdFrom } from "@pagewise/web/observability/request-log";
import { bearerToken } from "@pagewise/web/security/api-key";
import { basicCredentials } from "@pagewise/web/security/basic-auth";
import { adminCredentials } from "@pagewise/web/web-features";

describe("web request rules", () => {
  it("reads bearer tokens and basic credentials", () => {
    expect(bearerToken("Bearer abc.DEF-1")).toBe("abc.DEF-1");
    expect(bearerToken("bearer  x ")).toBe("x");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    const basic = `Basic ${Buffer.from("admin:pa:ss").toString("base64")}`;
    expect(basicCredentials(basic)).toEqual({ user: "admin", password: "pa:ss" });
    expect(basicCredentials("Basic !!!")).toBeUndefined();
    expect(basicCredentials(`Basic ${Buffer.from("nocolon").toString("base64")}`)).toBeUndefined();
  });

  it("keeps a sane X-Request-Id and finds the document id in a path", () => {
    expect(requestIdFrom("abcdefgh-1234")).toBe("abcdefgh-1234");
    expect(requestIdFrom("bad id with spaces")).toMatch(/^[0-9a-f-]{36}$/);
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
    const id = "0b9c3f1e-1111-4222-8333-444455556666";
    expect(documentIdInPath(`/api/documents/${id}/events`)).toBe(id);
    expect(documentIdInPath(`/api/documents/${id.toUpperCase()}?wait=3`)).toBe(id);
    expect(documentIdInPath("/api/documents?limit=3")).toBeUndefined();
  });

  it("describes a document's state for SSE and long-poll", () => {
    const s = { status: "failed" as const, pagesDone: 2, pageCount: 5, error: { code: "timeout", message: "Too slow." } };
    expect(stateTag(s)).toBe("failed:2");
    expect(statusEventData(s)).toEqual({ status: "failed", error: { code: "timeout", message: "Too slow." } });
    expect(statusEventData({ ...s, status: "queued", error: null })).toEqual({ status: "queued" });
    expect(progressEventData(s)).toEqual({ page: 2, of: 5 });
    expect(progressEventData({ ...s, pageCount: null })).toBeNull();
  });

  it("parses API_KEY, CORS_ORIGINS and the admin credentials", () => {
    const env = parseEnv(webEnvSchema, { API_KEY: "k", CORS_ORIGINS: " https://a.example, http://localhost:5173 ,", ADMIN_USER: "u", ADMIN_PASSWORD: "p" });
    expect(env.API_KEY).toBe("k");
    expect(env.CORS_ORIGINS).toEqual(["https://a.example", "http://localhost:5173"]);
    expect(adminCredentials(env)).toEqual({ user: "u", password: "p" });
    const open = parseEnv(webEnvSchema, { API_KEY: "" });
    expect(open.API_KEY).toBeUndefined();
    expect(open.CORS_ORIGINS).toEqual([]);
    expect(adminCredentials(open)).toBeUndefined();
    expect(adminCredentials({ ADMIN_USER: "u", ADMIN_PASSWORD: undefined })).toBeUndefined();
    expect(() => parseEnv(webEnvSchema, { CORS_ORIGINS: "https://a.example/path" })).toThrow(/CORS_ORIGINS/);
  });
});
