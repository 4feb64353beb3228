import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startProcess, startService, type Service } from "../support/processes";
import { corpusFile, databaseUrl, obliterate, randomPrefix, redisUrl } from "../support/services";

interface ServiceInfo {
  pid: number;
  port: number;
  dataDir: string;
}

/** Resolves with the promise's value, or "still running" after `ms`: a stop that hangs fails an assertion, not the test's timeout. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<"still running">((resolve) => setTimeout(() => resolve("still running"), ms).unref())]);

const jsonOf = (line: string) => JSON.parse(line.slice(line.indexOf("{"))) as Record<string, unknown>;

/** Running (a zombie that exited and waits for init to reap it, as an orphan does, is not). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true; // no /proc here: signal 0 is all we know
  }
}

/**
 * `npm start` on a machine with Node and redis-server but no database (the README's quick start), for real: npm runs the
 * start script (`--ignore-scripts` skips only the prestart build, which the test command has done), with DATABASE_URL
 * and REDIS_URL unset. The Redis it probes first is pointed at a port where nothing listens, so it starts its own
 * redis-server from the PATH; the machine's PostgreSQL and Redis are never used.
 */
describe("npm start with DATABASE_URL and REDIS_URL unset", () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-quick-start-"));
  // As root (CI, containers), PostgreSQL runs as the user postgres, which must be able to enter DATA_DIR.
  fs.chmodSync(dataDir, 0o755);
  const serverPids = new Set<number>();
  const launchers: Service[] = [];

  afterAll(async () => {
    await Promise.allSettled(launchers.map((l) => l.stop("SIGKILL", 10_000)));
    for (const pid of serverPids) if (isAlive(pid)) process.kill(pid, "SIGKILL"); // only after a failed assertion
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function launch(options: { detached?: boolean } = {}) {
    const port = await freePort();
    const nothingThere = await freePort();
    const launcher = startProcess(
      "npm start",
      "npm",
      ["start", "--ignore-scripts"],
      {
        DATABASE_URL: undefined,
        REDIS_URL: undefined,
        LOCAL_REDIS_URL: `redis://127.0.0.1:${nothingThere}`,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        NODE_ENV: "test",
        npm_config_update_notifier: "false",
      },
      options,
    );
    launchers.push(launcher);
    // "close": npm has exited and so has everything that shares its output: launcher, web, worker, services process.
    const exited = new Promise<number | null>((resolve) => launcher.child.once("close", (code) => resolve(code)));
    const services = jsonOf(await launcher.waitForLine(/services started/, 90_000)) as { servicesPid: number; postgres: ServiceInfo; redis: ServiceInfo };
    serverPids.add(services.servicesPid);
    serverPids.add(services.postgres.pid);
    serverPids.add(services.redis.pid);
    const [, workerLine] = await Promise.all([launcher.waitForLine(/web listening/, 60_000), launcher.waitForLine(/worker started/, 60_000)]);
    return { launcher, exited, base: `http://127.0.0.1:${port}`, ...services, workerPid: jsonOf(workerLine).pid as number };
  }

  async function documentWhen(base: string, id: string, done: (doc: Record<string, unknown>) => boolean, timeoutMs: number) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await fetch(`${base}/api/documents/${id}?wait=20`);
      const doc = (await res.json()) as Record<string, unknown>;
      if (done(doc) || Date.now() > deadline) return doc;
    }
  }

  const expectStopped = (...servers: ServiceInfo[]) => {
    for (const server of servers) expect({ pid: server.pid, alive: isAlive(server.pid) }).toEqual({ pid: server.pid, alive: false });
  };

  it("processes an upload, keeps it across a restart, and stops its servers on SIGTERM, on Ctrl-C and when the worker dies", async () => {
    // First run: initdb, migrations through the processes' MIGRATE_ON_START path, an upload processed.
    const first = await launch();
    expect(first.postgres.dataDir).toBe(path.join(dataDir, "postgres"));
    expect(first.redis.dataDir).toBe(path.join(dataDir, "redis"));
    expect([first.postgres.port, first.redis.port]).not.toContain(5432);
    expect([first.postgres.port, first.redis.port]).not.toContain(6379);
    const form = new FormData();
    form.append("file", new Blob([fs.readFileSync(corpusFile("text-1p-pdflatex.pdf"))], { type: "application/pdf" }), "paper.pdf");
    const res = await fetch(`${first.base}/api/documents`, { method: "POST", body: form });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const processed = await documentWhen(first.base, id, (d) => d.status === "succeeded" || d.status === "failed", 120_000);
    expect({ status: processed.status, pagesDone: processed.pagesDone }).toEqual({ status: "succeeded", pagesDone: 1 });
    // SIGTERM to npm, as a process manager sends it: npm passes it to the shell and exits at once; the launcher stops.
    first.launcher.child.kill("SIGTERM");
    expect(await within(first.exited, 60_000)).not.toBe("still running");
    expect(first.launcher.lines.filter((l) => /services stopped/.test(l))).toHaveLength(1);
    expectStopped(first.postgres, first.redis);
    expect(fs.existsSync(path.join(dataDir, "postgres", "data", "postmaster.pid"))).toBe(false);

    // Second run on the same DATA_DIR: the document and its results are still there. Then Ctrl-C as a terminal sends
    // it: SIGINT to the whole foreground process group (launcher, web, worker; the servers are in a group of their own).
    const second = await launch({ detached: true });
    const kept = (await (await fetch(`${second.base}/api/documents/${id}`)).json()) as { status: string; pages: { jsonUrl: string }[] };
    expect(kept.status).toBe("succeeded");
    expect(kept.pages).toHaveLength(1);
    expect((await fetch(new URL(kept.pages[0]!.jsonUrl, second.base))).status).toBe(200);
    process.kill(-second.launcher.child.pid!, "SIGINT");
    expect(await within(second.exited, 60_000)).not.toBe("still running");
    expect(second.launcher.lines.filter((l) => /services stopped|exited with code [1-9]/.test(l))).toEqual([expect.stringMatching(/services stopped/)]);
    expectStopped(second.postgres, second.redis);

    // Third run: the worker dies; npm start stops the web and the servers too, and fails.
    const third = await launch();
    process.kill(third.workerPid, "SIGKILL");
    expect(await within(third.exited, 60_000)).toBe(1);
    expectStopped(third.postgres, third.redis);
  }, 300_000);

  it("stops PostgreSQL and redis-server when npm start, web and worker are killed outright (SIGKILL)", async () => {
    const run = await launch({ detached: true });
    process.kill(-run.launcher.child.pid!, "SIGKILL"); // npm, its shell, the launcher, web and worker: not the servers' group
    expect(await within(run.exited, 60_000)).not.toBe("still running");
    expectStopped(run.postgres, run.redis);
    expect(isAlive(run.servicesPid)).toBe(false);
  }, 120_000);

  it("with DATABASE_URL and REDIS_URL set, starts neither and runs web and worker on them", async () => {
    const ownDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "pw-quick-start-set-"));
    const prefix = randomPrefix("launcher");
    const port = await freePort();
    const launcher = startService("apps/launcher/dist/main.js", {
      DATABASE_URL: databaseUrl(),
      REDIS_URL: redisUrl(),
      QUEUE_PREFIX: prefix,
      DATA_DIR: ownDataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      NODE_ENV: "test",
    });
    launchers.push(launcher);
    try {
      await Promise.all([launcher.waitForLine(/web listening/, 60_000), launcher.waitForLine(/worker started/, 60_000)]);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect(await launcher.stop("SIGTERM", 60_000)).toBe(0);
      expect(launcher.lines.filter((l) => /services (started|stopped)/.test(l))).toEqual([]);
      expect(fs.readdirSync(ownDataDir)).toEqual([]);
    } finally {
      await obliterate(prefix);
      fs.rmSync(ownDataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
