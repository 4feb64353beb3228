/**
 * The status-latency client in a process of its own: the bench's own event loop reads the web and worker logs and
 * drives the uploads, and none of that may land in the latencies. argv: URL COUNT. Prints one JSON array (ms).
 */
import { timedGets } from "./http";

const [url, count] = process.argv.slice(2);
timedGets(url as string, Number(count)).then(
  (latencies) => process.stdout.write(`${JSON.stringify(latencies)}\n`),
  (error: Error) => {
    process.stderr.write(`status probe: ${error.message}\n`);
    process.exit(1);
  },
);
