import { execFileSync } from "node:child_process";
import path from "node:path";
import { childEnv, childExecArgv } from "../../apps/worker/src/compute/compute-process";
import { startScriptFlags } from "../support/processes";

const webAssemblyIn = (flags: string[]) =>
  execFileSync(process.execPath, [...flags, "-p", "typeof WebAssembly"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();

describe("the compute child's Node flags", () => {
  it("drop the worker's lite-mode flags and keep the rest, with a 2 MB young generation", () => {
    expect(childExecArgv(["--max-semi-space-size=1", "--lite-mode", "--no-expose-wasm", "--liftoff-only", "--inspect"])).toEqual([
      "--max-semi-space-size=1",
      "--inspect",
      "--max-semi-space-size=2",
    ]);
  });

  it("give the child WebAssembly (pdf.js decodes JPEG 2000 with it) although the worker, as start:worker runs it, has none", () => {
    const workerFlags = startScriptFlags("start:worker");
    expect(webAssemblyIn(workerFlags)).toBe("undefined");
    expect(webAssemblyIn(childExecArgv(workerFlags))).toBe("object");
  });
});

describe("the compute child's environment", () => {
  it("has one malloc arena whatever the image sets for the other processes, and keeps the rest", () => {
    const env = childEnv({ MALLOC_ARENA_MAX: "2", DATABASE_URL: "postgresql://x", PATH: "/usr/bin" });
    expect(env).toEqual({ MALLOC_ARENA_MAX: "1", DISABLE_SYSTEM_FONTS_LOAD: "1", DATABASE_URL: "postgresql://x", PATH: "/usr/bin" });
  });

  it("makes @napi-rs/canvas load no system fonts", () => {
    const families = execFileSync(process.execPath, ["-p", "require('@napi-rs/canvas').GlobalFonts.families.length"], {
      encoding: "utf8",
      env: childEnv(process.env),
      cwd: path.join(__dirname, "../../packages/pdf"),
    }).trim();
    expect(families).toBe("0");
  });
});
