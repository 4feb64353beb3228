import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { commonEnvSchema, launcherEnvSchema, parseEnv } from "@pagewise/config";
import { unsearchableOnTheWay } from "../../apps/launcher/src/run-as";
import { scriptCommand } from "../../apps/launcher/src/processes";
import { findOnPath, redisMissingMessage } from "../../apps/launcher/src/redis";

describe("npm start's launcher: the pure parts", () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pw-launcher-unit-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("reads an empty DATABASE_URL or REDIS_URL as unset, and looks for Redis where web and worker would by default", () => {
    const env = parseEnv(launcherEnvSchema, { DATABASE_URL: "", REDIS_URL: " " });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.LOCAL_REDIS_URL).toBe(parseEnv(commonEnvSchema, {}).REDIS_URL);
    expect(env.DATA_DIR).toBe("./data");
    expect(parseEnv(launcherEnvSchema, { DATABASE_URL: "postgresql://u@db:5432/x" }).DATABASE_URL).toBe("postgresql://u@db:5432/x");
    expect(() => parseEnv(launcherEnvSchema, { DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
  });

  it("finds the first executable file of that name on the PATH, skipping directories and files that cannot run", () => {
    const [a, b, c] = ["a", "b", "c"].map((d) => path.join(tmp, d));
    for (const dir of [a, b, c]) fs.mkdirSync(dir!);
    fs.mkdirSync(path.join(a!, "redis-server")); // a directory
    fs.writeFileSync(path.join(b!, "redis-server"), "#!/bin/sh\n", { mode: 0o644 }); // not executable
    fs.writeFileSync(path.join(c!, "redis-server"), "#!/bin/sh\n", { mode: 0o755 });
    expect(findOnPath("redis-server", [a, "", b, c].join(path.delimiter))).toBe(path.join(c!, "redis-server"));
    expect(findOnPath("redis-server", [a, b].join(path.delimiter))).toBeUndefined();
  });

  it("says in one line how to get Redis on Debian/Ubuntu, macOS and with Docker", () => {
    const message = redisMissingMessage("redis://127.0.0.1:6379");
    expect(message).not.toContain("\n");
    expect(message).toMatch(/^No Redis answers at 127\.0\.0\.1:6379 and redis-server is not on the PATH/);
    for (const how of ["apt-get install redis-server", "brew install redis", "docker run", "REDIS_URL"]) expect(message).toContain(how);
  });

  it("finds the first directory another account cannot enter on the way to PostgreSQL's data", () => {
    const open = path.join(tmp, "open");
    const closed = path.join(open, "closed");
    fs.mkdirSync(path.join(closed, "inner"), { recursive: true });
    fs.chmodSync(tmp, 0o755); // mkdtemp makes it 0700: itself a place PostgreSQL run as another user cannot enter
    fs.chmodSync(open, 0o755);
    fs.chmodSync(closed, 0o700);
    const stranger = { uid: 4_000_000, gid: 4_000_000 };
    expect(unsearchableOnTheWay(path.join(closed, "inner", "postgres"), stranger)).toBe(closed);
    fs.chmodSync(closed, 0o711);
    expect(unsearchableOnTheWay(path.join(closed, "inner", "postgres"), stranger)).toBeUndefined();
    const { uid, gid } = fs.statSync(closed);
    fs.chmodSync(closed, 0o700);
    expect(unsearchableOnTheWay(path.join(closed, "inner"), { uid, gid })).toBeUndefined(); // its owner may
  });

  it("runs web and worker with their start scripts' flags, this Node binary and no npm in between", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "../../package.json"), "utf8")) as { scripts: Record<string, string> };
    for (const name of ["start:web", "start:worker"] as const) {
      expect(scriptCommand(name)).toBe(`exec '${process.execPath}'${pkg.scripts[name]!.slice("node".length)}`);
    }
  });
});
