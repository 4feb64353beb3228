#!/usr/bin/env node
// A local S3 API for dev runs: s3rver on 127.0.0.1:$S3_DEV_PORT (default 4569), data in ./data/s3rver,
// with the bucket $S3_BUCKET (default "pagewise") created. Point the app at it with
//   S3_BUCKET=pagewise S3_ENDPOINT=http://127.0.0.1:4569 S3_FORCE_PATH_STYLE=true
//   AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
const path = require("node:path");
const S3rver = require("s3rver");

const port = Number(process.env.S3_DEV_PORT ?? 4569);
const bucket = process.env.S3_BUCKET || "pagewise";
const directory = path.resolve(__dirname, "..", "data", "s3rver");

if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
  console.error(`S3_BUCKET "${bucket}" is not a valid bucket name (3-63 chars: lowercase letters, digits, "-", ".")`);
  process.exit(1);
}

const server = new S3rver({ address: "127.0.0.1", port, silent: true, directory, configureBuckets: [{ name: bucket }] });

server.run().then(
  (address) => {
    console.log(`s3rver listening on http://127.0.0.1:${address.port} (bucket "${bucket}", credentials S3RVER/S3RVER, data ${directory})`);
  },
  (error) => {
    console.error(`s3rver failed to start on port ${port}: ${error.message}`);
    process.exit(1);
  },
);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close().finally(() => process.exit(0));
  });
}
