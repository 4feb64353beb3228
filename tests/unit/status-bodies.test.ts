import { StatusBodies, type StatusBody } from "@pagewise/web/live/status-bodies";

const answer = (text: string): StatusBody => ({ body: Buffer.from(text), etag: `W/"${text}"` });

describe("StatusBodies: status answers kept per version of a document's row", () => {
  let clock = 1000; // lru-cache takes a start time of 0 for "no TTL"
  const bodies = (maxBytes = 10_000, maxAgeMs = 1000) => new StatusBodies({ maxBytes, maxAgeMs, now: () => clock });
  beforeEach(() => {
    clock = 1000;
  });

  it("builds once per version and serves the kept answer while the version stays", async () => {
    const cache = bodies();
    const build = jest.fn(async () => answer("v1"));
    expect(await cache.get("doc", "100", build)).toMatchObject(answer("v1"));
    expect(await cache.get("doc", "100", build)).toMatchObject(answer("v1"));
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("builds again when the row's version changes, and keeps the new answer", async () => {
    const cache = bodies();
    await cache.get("doc", "100", async () => answer("old"));
    expect((await cache.get("doc", "101", async () => answer("new"))).etag).toBe('W/"new"');
    const build = jest.fn(async () => answer("newer"));
    expect((await cache.get("doc", "101", build)).etag).toBe('W/"new"');
    expect(build).not.toHaveBeenCalled();
  });

  it("does not serve an answer past its maximum age, even for the same version", async () => {
    const cache = bodies(10_000, 1000);
    await cache.get("doc", "100", async () => answer("first"));
    clock = 1999;
    expect((await cache.get("doc", "100", async () => answer("second"))).etag).toBe('W/"first"');
    clock = 2001;
    expect((await cache.get("doc", "100", async () => answer("second"))).etag).toBe('W/"second"');
  });

  it("keeps at most maxBytes of answers, dropping the least recently used, and serves an oversized one unkept", async () => {
    const cache = bodies(3 * (100 + 64));
    for (const id of ["a", "b", "c"]) await cache.get(id, "1", async () => answer(id.repeat(100)));
    await cache.get("a", "1", async () => answer("rebuilt")); // a is now the most recent
    await cache.get("d", "1", async () => answer("d".repeat(100))); // evicts b
    expect(cache.size).toBe(3);
    const rebuilt = jest.fn(async () => answer("b again"));
    await cache.get("b", "1", rebuilt);
    expect(rebuilt).toHaveBeenCalledTimes(1);
    const huge = await cache.get("huge", "1", async () => answer("x".repeat(1000)));
    expect(huge.body.length).toBe(1000);
    const again = jest.fn(async () => answer("x"));
    await cache.get("huge", "1", again);
    expect(again).toHaveBeenCalledTimes(1);
  });
});
