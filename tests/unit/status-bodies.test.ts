import { EventEmitter } from "node:events";
import type { DocumentChangeFeed } from "@pagewise/db";
import { StatusBodies, type StatusBody } from "@pagewise/web/live/status-bodies";

const answer = (text: string): StatusBody => ({ body: Buffer.from(text), etag: `W/"${text}"` });

/** A change feed under the test's control (the real one is PostgreSQL's LISTEN, tested in integration). */
class FakeFeed extends EventEmitter implements DocumentChangeFeed {
  live = true;
  setLive(live: boolean) {
    this.live = live;
    this.emit("live", live);
  }
}

describe("StatusBodies: status answers kept per version of a document's row", () => {
  let clock = 1000; // lru-cache takes a start time of 0 for "no TTL"
  const bodies = (maxBytes = 10_000, maxAgeMs = 1000, changes?: DocumentChangeFeed) => new StatusBodies({ maxBytes, maxAgeMs, now: () => clock, changes });
  const row = (version: string) => async () => ({ version });
  beforeEach(() => {
    clock = 1000;
  });

  it("builds once per version and serves the kept answer while the version stays", async () => {
    const cache = bodies();
    const build = jest.fn(async () => answer("v1"));
    expect(await cache.get("doc", row("100"), build)).toMatchObject(answer("v1"));
    expect(await cache.get("doc", row("100"), build)).toMatchObject(answer("v1"));
    expect(build).toHaveBeenCalledTimes(1);
  });

  it("answers null when there is no such row", async () => {
    expect(await bodies().get("doc", async () => null, async () => answer("x"))).toBeNull();
  });

  it("builds again when the row's version changes, and keeps the new answer", async () => {
    const cache = bodies();
    await cache.get("doc", row("100"), async () => answer("old"));
    expect((await cache.get("doc", row("101"), async () => answer("new")))?.etag).toBe('W/"new"');
    const build = jest.fn(async () => answer("newer"));
    expect((await cache.get("doc", row("101"), build))?.etag).toBe('W/"new"');
    expect(build).not.toHaveBeenCalled();
  });

  it("does not serve an answer past its maximum age, even for the same version", async () => {
    const cache = bodies(10_000, 1000);
    await cache.get("doc", row("100"), async () => answer("first"));
    clock = 1999;
    expect((await cache.get("doc", row("100"), async () => answer("second")))?.etag).toBe('W/"first"');
    clock = 2001;
    expect((await cache.get("doc", row("100"), async () => answer("second")))?.etag).toBe('W/"second"');
  });

  it("keeps at most maxBytes of answers, dropping the least recently used, and serves an oversized one unkept", async () => {
    const cache = bodies(3 * (100 + 64));
    for (const id of ["a", "b", "c"]) await cache.get(id, row("1"), async () => answer(id.repeat(100)));
    await cache.get("a", row("1"), async () => answer("rebuilt")); // a is now the most recent
    await cache.get("d", row("1"), async () => answer("d".repeat(100))); // evicts b
    expect(cache.size).toBe(3);
    const rebuilt = jest.fn(async () => answer("b again"));
    await cache.get("b", row("1"), rebuilt);
    expect(rebuilt).toHaveBeenCalledTimes(1);
    const huge = await cache.get("huge", row("1"), async () => answer("x".repeat(1000)));
    expect(huge?.body.length).toBe(1000);
    const again = jest.fn(async () => answer("x"));
    await cache.get("huge", row("1"), again);
    expect(again).toHaveBeenCalledTimes(1);
  });

  describe("with PostgreSQL's change notifications", () => {
    it("serves a trusted answer without reading the row until the document's change is notified", async () => {
      const feed = new FakeFeed();
      const cache = bodies(10_000, 1000, feed);
      await cache.get("doc", row("100"), async () => answer("v100"));
      const read = jest.fn(row("100"));
      expect((await cache.get("doc", read, async () => answer("unused")))?.etag).toBe('W/"v100"');
      expect(read).not.toHaveBeenCalled();
      feed.emit("change", "other-doc");
      expect((await cache.get("doc", read, async () => answer("unused")))?.etag).toBe('W/"v100"');
      feed.emit("change", "doc");
      expect((await cache.get("doc", row("101"), async () => answer("v101")))?.etag).toBe('W/"v101"');
    });

    it("does not trust an answer whose document was notified while its row was read", async () => {
      const feed = new FakeFeed();
      const cache = bodies(10_000, 1000, feed);
      await cache.get("doc", async () => {
        feed.emit("change", "doc"); // a write committed meanwhile: the version read may be the older one
        return { version: "100" };
      }, async () => answer("v100"));
      const read = jest.fn(row("101"));
      expect((await cache.get("doc", read, async () => answer("v101")))?.etag).toBe('W/"v101"');
      expect(read).toHaveBeenCalledTimes(1);
      // That read saw no notification: its answer is trusted now.
      const again = jest.fn(row("101"));
      await cache.get("doc", again, async () => answer("unused"));
      expect(again).not.toHaveBeenCalled();
    });

    it("checks every answer against the row while the feed is down, and drops what it kept when it goes down or up", async () => {
      const feed = new FakeFeed();
      const cache = bodies(10_000, 1000, feed);
      await cache.get("doc", row("100"), async () => answer("v100"));
      feed.setLive(false);
      expect(cache.size).toBe(0);
      await cache.get("doc", row("100"), async () => answer("v100"));
      const read = jest.fn(row("100"));
      await cache.get("doc", read, async () => answer("unused"));
      expect(read).toHaveBeenCalledTimes(1); // kept, but checked
      feed.setLive(true);
      expect(cache.size).toBe(0);
    });

    it("forget() drops an answer at once (this process's own writes)", async () => {
      const cache = bodies(10_000, 1000, new FakeFeed());
      await cache.get("doc", row("100"), async () => answer("v100"));
      cache.forget("doc");
      expect((await cache.get("doc", row("101"), async () => answer("v101")))?.etag).toBe('W/"v101"');
    });
  });
});
