import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort, startService, type Service } from "../support/processes";
import { databaseUrl, obliterate, randomPrefix, redisUrl, repoRoot } from "../support/services";

/**
 * The Procfile's processes, started the way a dyno starts them: PORT, DATABASE_URL and REDIS_URL from the
 * platform, migrations already applied by the release phase. Heroku sends SIGTERM to every process in the
 * dyno and SIGKILLs 30 s later: each process must drain and exit 0 before that.
 */
const procfile = Object.fromEntries(
  fs
    .readFileSync(path.join(repoRoot, "Procfile"), "utf8")
    .split("\n")
    .filter((line) => line.includes(":"))
    .map((line) => [line.slice(0, line.indexOf(":")).trim(), line.slice(line.indexOf(":") + 1).trim()]),
);
/** `node [--flag=value …] apps/web/dist/main.js` → the script and the Node flags, started by startService with this Node. */
const commandOf = (processType: string) => {
  const words = procfile[processType]!.split(/\s+/);
  expect(words[0]).toBe("node");
  return { flags: words.slice(1, -1), script: words[words.length - 1]! };
};

describe("Heroku-style web and worker processes", () => {
  const prefix = randomPrefix("heroku");
  const started: Service[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    NODE_ENV: "production",
    LOG_LEVEL: "info",
    DATABASE_URL: databaseUrl(),
    REDIS_URL: redisUrl(),
    QUEUE_PREFIX: prefix,
    MIGRATE_ON_START: "false",
    ...extra,
  });
  const start = (processType: string, extra: Record<string, string> = {}) => {
    const { script, flags } = commandOf(processType);
    const service = startService(script, env(extra), flags);
    started.push(service);
    return service;
  };

  afterAll(async () => {
    await Promise.allSettled(started.map((s) => s.stop("SIGKILL", 5000)));
    await obliterate(prefix);
  });

  it("release: `npm run migrate` exits 0, and non-zero when the database is unreachable (blocks the release)", async () => {
    const run = (extra: Record<string, string>) =>
      new Promise<number | null>((resolve) => {
        const child = spawn("npm", ["run", "--silent", "migrate"], { cwd: repoRoot, env: { ...process.env, ...env(extra) }, stdio: "ignore" });
        child.once("exit", (code) => resolve(code));
      });
    expect(await run({})).toBe(0);
    const closedPort = await freePort();
    expect(await run({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${closedPort}/pagewise` })).not.toBe(0);
  }, 60_000);

  it("web binds $PORT and worker starts; both exit 0 within 30 s of SIGTERM", async () => {
    const port = await freePort();
    const web = start("web", { PORT: String(port) });
    const worker = start("worker");
    await Promise.all([web.waitForLine(/"web listening"/, 30_000), worker.waitForLine(/"worker started"/, 30_000)]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    const [webCode, workerCode] = await Promise.all([web.stop("SIGTERM", 30_000), worker.stop("SIGTERM", 30_000)]);
    expect({ webCode, workerCode }).toEqual({ webCode: 0, workerCode: 0 });
  }, 90_000);

  it("WEB_CONCURRENCY=2 runs two web processes; SIGTERM to every process (as Heroku does) exits 0", async () => {
    const port = await freePort();
    const web = start("web", { PORT: String(port), WEB_CONCURRENCY: "2" });
    await web.waitForLine(/"web cluster listening"/, 30_000);
    // Each process writes its own lines to the shared stdout: a web process's "web listening" can come after the
    // primary's "web cluster listening" line, which follows the cluster's own event. Wait for both.
    const pidOf = (line: string) => (JSON.parse(line) as { pid: number }).pid;
    const first = pidOf(await web.waitForLine(/"msg":"web listening"/, 30_000));
    await web.waitForLine(new RegExp(`"pid":(?!${first}\\b)\\d+,.*"msg":"web listening"`), 30_000);
    const listening = web.lines.filter((l) => l.includes('"web listening"')).map(pidOf);
    expect(new Set(listening).size).toBe(2);
    expect(listening).not.toContain(web.child.pid);
    for (let i = 0; i < 4; i++) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    for (const pid of listening) process.kill(pid, "SIGTERM");
    expect(await web.stop("SIGTERM", 30_000)).toBe(0);
    expect(web.lines.some((l) => l.includes('"web cluster stopped"'))).toBe(true);
    for (const pid of listening) expect(() => process.kill(pid, 0)).toThrow();
  }, 90_000);
});
