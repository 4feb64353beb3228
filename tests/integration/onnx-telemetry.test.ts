import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../support/services";

/** onnxruntime suppresses its telemetry by itself where these say it runs in CI: not what is tested here. */
const CI_MARKERS = ["CI", "TF_BUILD", "GITHUB_ACTIONS", "GITLAB_CI", "CIRCLECI", "TRAVIS", "JENKINS_URL", "CODEBUILD_BUILD_ID", "BUILDKITE",
  "TEAMCITY_VERSION", "APPVEYOR", "BITBUCKET_BUILD_NUMBER", "SYSTEM_TEAMFOUNDATIONCOLLECTIONURI", "ORT_RUNNING_UNIT_TESTS", "ORT_DISABLE_TELEMETRY"];

/** Loads the default detector the way the compute child does (compiled code), with HOME and TMPDIR of its own. */
function loadDetectorIn(home: string, tmp: string, env: NodeJS.ProcessEnv = {}) {
  const adapter = path.join(repoRoot, "packages/detector/dist/adapters/ppocr-det.js");
  const script = `new (require(${JSON.stringify(adapter)}).PpocrDetector)({ threads: 1, maxSide: 960 }).load().then(() => process.exit(0))`;
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !CI_MARKERS.includes(name)));
  execFileSync(process.execPath, ["-e", script], { env: { ...inherited, HOME: home, TMPDIR: tmp, ...env }, stdio: "ignore" });
}

const filesUnder = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: "utf8" });

describe("onnxruntime-node's telemetry", () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-ort-test-"));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is off when Pagewise loads the runtime: nothing is written to the temporary directory or the home directory", () => {
    const [home, tmp] = [fresh(), fresh()];
    loadDetectorIn(home, tmp);
    expect(filesUnder(tmp)).toEqual([]);
    expect(filesUnder(home)).toEqual([]);
  });

  it("(the same load with telemetry explicitly on leaves mat-debug-<pid>.log, .ses and a device id behind)", () => {
    const [home, tmp] = [fresh(), fresh()];
    loadDetectorIn(home, tmp, { ORT_DISABLE_TELEMETRY: "0" });
    expect(filesUnder(tmp)).toEqual(expect.arrayContaining([".ses", expect.stringMatching(/^mat-debug-\d+\.log$/)]));
    expect(filesUnder(home).some((f) => f.includes("onnxruntime"))).toBe(true);
  });
});
