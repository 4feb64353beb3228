import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startService } from "../support/processes";

/**
 * npm start with REDIS_URL unset, no Redis answering where it looks (a port where nothing listens, as the machine's own
 * Redis answers on 6379) and no redis-server on the PATH: one line that says how to get one, before anything starts.
 */
describe("npm start without Redis", () => {
  const emptyPath = fs.mkdtempSync(path.join(os.tmpdir(), "pw-no-redis-path-"));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-no-redis-data-"));

  afterAll(() => {
    fs.rmSync(emptyPath, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("stops with one line naming apt-get, brew and Docker, and starts nothing", async () => {
    const nothingThere = await freePort();
    const launcher = startService("apps/launcher/dist/main.js", {
      PATH: emptyPath,
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      LOCAL_REDIS_URL: `redis://127.0.0.1:${nothingThere}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
    });
    const exit = new Promise<number | null>((resolve) => launcher.child.once("close", (code) => resolve(code)));
    expect(await exit).toBe(1);
    expect(launcher.lines).toHaveLength(1);
    const { level, msg } = JSON.parse(launcher.lines[0]!) as { level: string; msg: string };
    expect(level).toBe("fatal");
    expect(msg).toContain(`No Redis answers at 127.0.0.1:${nothingThere} and redis-server is not on the PATH`);
    expect(msg).toContain("sudo apt-get install redis-server");
    expect(msg).toContain("brew install redis");
    expect(msg).toContain("docker run");
    expect(msg).toContain("REDIS_URL");
    expect(fs.readdirSync(dataDir)).toEqual([]); // no PostgreSQL was initialised or started
  });
});
