// Preloaded with `node -r` into a process under test: on exit, writes every module file it loaded to
// $RECORD_MODULES_FILE, so a test can prove what the process never loaded. A `%p` in the name becomes the process
// id: a worker's compute child inherits both the preload and the variable, and must not overwrite its parent's file.
const fs = require("node:fs");

const out = process.env.RECORD_MODULES_FILE?.replace("%p", String(process.pid));
if (out) {
  process.on("exit", () => {
    fs.writeFileSync(out, Object.keys(require.cache).join("\n"));
  });
}
