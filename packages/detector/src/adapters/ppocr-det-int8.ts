import { ppocrDetInt8ModelPath } from "../model-files";
import { PpocrDetector } from "./ppocr-det";

/**
 * The same detector with its Convs quantized to INT8 (static QDQ, per-channel weights, MinMax-calibrated activations),
 * built from the bundled model by scripts/quantize-ppocr-det.js and kept in the repository (1.4 MB). Same pre- and
 * post-processing; onnxruntime runs its Convs as QLinearConv. Faster and slightly less accurate: docs/benchmarks.md,
 * "Performance (issue 20)".
 */
export class PpocrDetInt8Detector extends PpocrDetector {
  override readonly id: string = "ppocr-det-int8";

  protected override modelFile(): string {
    return ppocrDetInt8ModelPath();
  }
}
