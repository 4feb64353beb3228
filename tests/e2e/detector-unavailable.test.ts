import { once } from "node:events";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startScriptFlags, startService, type Service } from "../support/processes";
import { startStack, type Stack } from "../support/stack";
import { waitForJob } from "../support/services";

describe("a detector that cannot work (real processes)", () => {
  let stack: Stack;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pagewise-detector-test-"));
  const services: Service[] = [];
  beforeAll(async () => {
    stack = await startStack("detector", { RENDER_DPI: "72" });
    await stack.startWeb();
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop("SIGKILL")));
    await stack.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a worker that is expected to refuse to start: its exit code and what it printed. */
  async function refusedWorker(env: NodeJS.ProcessEnv) {
    const worker = startService("apps/worker/dist/main.js", { ...stack.env, ...env }, startScriptFlags("start:worker"));
    services.push(worker);
    const [code] = (await once(worker.child, "exit")) as [number | null];
    return { code, lines: worker.lines };
  }

  const textFile = path.join(dir, "model.onnx");
  fs.writeFileSync(textFile, "this is not a model\n");
  it.each<[string, NodeJS.ProcessEnv, RegExp]>([
    ["an id that is not registered", { DETECTOR_MODEL: "yolov99" }, /DETECTOR_MODEL "yolov99" is not a registered detector; known: ppocr-det, ppocr-det-int8, yolo/],
    ["a yolo model file that is not there", { DETECTOR_MODEL: "yolo", YOLO_MODEL_PATH: "/nonexistent/model.onnx" }, /model file does not exist: YOLO_MODEL_PATH=/],
    ["a yolo model file that is not ONNX", { DETECTOR_MODEL: "yolo", YOLO_MODEL_PATH: textFile }, /model file is not an ONNX model \(.*\): YOLO_MODEL_PATH=/],
  ])("the worker refuses to start with %s, in one line", async (_what, env, message) => {
    const { code, lines } = await refusedWorker(env);
    expect(code).toBe(1);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "fatal", msg: expect.stringMatching(message) });
  });

  it("a model that passes those checks but that onnxruntime rejects fails the document with `detector_unavailable` within its retries", async () => {
    // An ONNX ModelProto on the outside (IR version 7, a graph field), nonsense inside the graph.
    const model = path.join(dir, "broken.onnx");
    fs.writeFileSync(model, Buffer.from([0x08, 0x07, 0x3a, 0x04, 0xff, 0xff, 0xff, 0xff]));
    const worker = await stack.startWorker({ DETECTOR_MODEL: "yolo", YOLO_MODEL_PATH: model });
    services.push(worker);
    const { body } = await stack.upload("text-1p-pdflatex.pdf");
    const id = body.id as string;
    const started = Date.now();
    expect(await waitForJob(stack.prefix, id, 120_000)).toBe("failed");
    // The document is marked by the worker's `failed` listener, just after the job's last attempt.
    const doc = await stack.settled(id, 30_000);
    expect(doc).toMatchObject({ status: "failed", error: { code: "detector_unavailable" } });
    expect(Date.now() - started).toBeLessThan(90_000); // the job's five attempts, not three minutes of stalls
    expect(worker.lines.some((l) => l.includes("cannot load detector yolo"))).toBe(true);
    expect(worker.lines.filter((l) => /Cannot read properties of undefined|stalled/i.test(l))).toEqual([]);
  }, 150_000);
});
