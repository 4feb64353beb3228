import type { Detection, Detector, DetectorOptions, RgbaImage, Size } from "../types";
import { modelInputSize, toModelInput } from "../preprocess";
import { boxesFromProbabilities } from "../postprocess";
import { createOnnxSession, Lazy } from "../onnx-session";
import { ppocrDetModelPath } from "../model-files";

export { ppocrDetModelPath };

/** PaddleOCR's text detector: a per-pixel text probability map, boxed by DB post-processing. */
export class PpocrDetector implements Detector {
  readonly id: string = "ppocr-det";
  private readonly loaded = new Lazy(() => createOnnxSession(this.modelFile(), this.options.threads));
  private spare: Float32Array | undefined;

  constructor(private readonly options: DetectorOptions) {}

  async load(): Promise<void> {
    await this.loaded.get();
  }

  /** PaddleOCR's DetResizeForTest size: the long side at most maxSide, each side a multiple of 32. */
  inputSize(width: number, height: number): Size {
    return modelInputSize(width, height, this.options.maxSide);
  }

  async detect(image: RgbaImage, outputSize: Size = image): Promise<Detection[]> {
    const { session, ort } = await this.loaded.get();
    // The input tensor's buffer (8.5 MB at 736×960) is reused from page to page, unless a detection is in flight.
    const reuse = this.spare;
    this.spare = undefined;
    const input = toModelInput(image, this.options.maxSide, reuse);
    try {
      const tensor = new ort.Tensor("float32", input.data, [1, 3, input.height, input.width]);
      const outputs = await session.run({ [session.inputNames[0]]: tensor });
      const prob = outputs[session.outputNames[0]];
      try {
        const [, , height, width] = prob.dims;
        return boxesFromProbabilities({ data: prob.data as Float32Array, width, height }, outputSize);
      } finally {
        prob.dispose();
      }
    } finally {
      this.spare = input.data;
    }
  }

  async dispose(): Promise<void> {
    await (await this.loaded.take())?.session.release();
  }

  /** The ONNX file this variant loads. */
  protected modelFile(): string {
    return ppocrDetModelPath();
  }
}
