import fs from "node:fs";
import path from "node:path";
import { concurrently } from "concurrently";

const repoRoot = path.resolve(__dirname, "../../..");

/**
 * The command line of an npm script that starts with `node` (start:web, start:worker), with this Node binary: the
 * processes run exactly as their scripts (and the Procfile) say, but without npm in between, which would exit on
 * SIGTERM before its child has shut down (and then the databases would be stopped under it).
 */
export function scriptCommand(scriptName: "start:web" | "start:worker"): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const script = pkg.scripts[scriptName] ?? "";
  if (!/^node\s/.test(script)) throw new Error(`the ${scriptName} script does not start with node`);
  return `exec '${process.execPath.replace(/'/g, `'\\''`)}'${script.slice("node".length)}`;
}

/**
 * Runs web and worker side by side with prefixed output until both have exited. When one exits the other gets
 * SIGTERM; Ctrl-C and SIGTERM reach both (they drain and exit). Resolves with npm start's exit code.
 */
export async function runWebAndWorker(env: Record<string, string>): Promise<number> {
  const { result } = concurrently(
    [
      { name: "web", command: scriptCommand("start:web"), env, cwd: repoRoot },
      { name: "worker", command: scriptCommand("start:worker"), env, cwd: repoRoot },
    ],
    { killOthersOn: ["success", "failure"], killSignal: "SIGTERM", prefixColors: ["blue", "magenta"] },
  );
  return result.then(
    () => 0,
    () => 1,
  );
}
