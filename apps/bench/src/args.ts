import { parseArgs, type ParseArgsConfig } from "node:util";

/**
 * node:util's parseArgs, but `--help` prints the usage and exits 0, and an unknown or malformed option prints the
 * problem and the usage and exits 2, instead of a stack trace.
 */
export function parseArgsOrUsage<T extends ParseArgsConfig>(config: T, usage: string): ReturnType<typeof parseArgs<T>> {
  if (process.argv.slice(2).some((arg) => arg === "--help" || arg === "-h")) {
    process.stdout.write(usage);
    process.exit(0);
  }
  try {
    return parseArgs(config);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}
