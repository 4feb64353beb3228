import { Writable } from "node:stream";
import { streamPages } from "@pagewise/web/export/stream-pages";

/** A client that takes a chunk only when the test says so: its buffer holds one byte, so every write fills it. */
function slowClient() {
  const taken: string[] = [];
  const waiting: Array<() => void> = [];
  const out = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      taken.push(chunk.toString());
      waiting.push(() => callback());
    },
  });
  return { out, taken, takeOne: () => waiting.shift()?.() };
}

/** Every turn of the event loop has run that can: whatever streamPages could do without the client, it has done. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("export: pages are streamed at the client's pace", () => {
  const rows = [1, 2, 3, 4, 5];
  const parts = { head: "[", page: (n: number, i: number) => (i ? "," : "") + n, tail: () => "]" };

  it("reads the next page only once the client has taken the last one, so a client that stops reading holds one page", async () => {
    const client = slowClient();
    const reads: number[] = [];
    const done = streamPages(client.out, rows, async (n) => (reads.push(n), n), parts);
    await settle();
    expect(reads).toEqual([1]); // the head and page 1 are written, the client has not taken them: no page 2 yet
    client.takeOne(); // the head
    client.takeOne(); // page 1
    await settle();
    expect(reads).toEqual([1, 2]);
    for (let i = 0; i < 10; i++) {
      client.takeOne();
      await settle();
    }
    await done;
    expect(client.taken.join("")).toBe("[1,2,3,4,5]");
  });

  it("stops reading pages when the client goes away", async () => {
    const client = slowClient();
    const reads: number[] = [];
    const done = streamPages(client.out, rows, async (n) => (reads.push(n), n), parts);
    await settle();
    client.out.destroy();
    await done;
    expect(reads).toEqual([1]);
  });

  it("a page that cannot be read before the first byte is an error answer; after it, the body is cut", async () => {
    const failing = async (n: number) => {
      if (n === 3) throw new Error("gone");
      return n;
    };
    await expect(streamPages(slowClient().out, [3], failing, parts)).rejects.toThrow("gone");
    const client = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const cutWith: Error[] = [];
    client.on("error", (error) => cutWith.push(error));
    await streamPages(client, rows, failing, parts);
    expect(client.destroyed).toBe(true);
    await settle();
    expect(cutWith.map((e) => e.message)).toEqual(["gone"]);
  });
});
