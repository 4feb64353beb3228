// Preloaded with `node -r` into a process under test: on exit, writes every module file it loaded to
// $RECORD_MODULES_FILE, so a test can prove what the process never loaded.
const fs = require("node:fs");

const out = process.env.RECORD_MODULES_FILE;
if (out) {
  process.on("exit", () => {
    fs.writeFileSync(out, Object.keys(require.cache).join("\n"));
  });
}
