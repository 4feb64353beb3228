/**
 * The bench's S3 server (s3rver on loopback) in a process of its own: the workers' uploads are then served by a
 * separate event loop, not by the one in the bench that times the status GETs. Prints `s3rver listening on PORT`.
 * argv: DIRECTORY BUCKET
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require("s3rver") as new (options: object) => { run(): Promise<{ port: number }>; close(): Promise<void> };

const [directory, bucket] = process.argv.slice(2);
const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
server.run().then(
  ({ port }) => process.stdout.write(`s3rver listening on ${port}\n`),
  (error: Error) => {
    process.stderr.write(`s3rver: ${error.message}\n`);
    process.exit(1);
  },
);
for (const signal of ["SIGTERM", "SIGINT"] as const) process.once(signal, () => void server.close().finally(() => process.exit(0)));
process.on("disconnect", () => process.exit(0));
