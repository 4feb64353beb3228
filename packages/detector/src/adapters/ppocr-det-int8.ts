import { ppocrDetInt8ModelPath } from "../model-files";
import { PpocrDetector } from "./ppocr-det";

/**
 * The same detector with its Convs quantized to INT8 (static QDQ, per-channel weights, percentile-calibrated
 * activations; the stem's two Convs stay float), built from the bundled model by scripts/quantize-ppocr-det.js and kept
 * in the repository (1.4 MB). Same pre- and post-processing, DB threshold included (the INT8 map is not shifted
 * uniformly); onnxruntime runs its Convs as QLinearConv. Faster, nearly the same boxes: docs/benchmarks.md, "Goal 2:
 * INT8 detector".
 */
export class PpocrDetInt8Detector extends PpocrDetector {
  override readonly id: string = "ppocr-det-int8";

  protected override modelFile(): string {
    return ppocrDetInt8ModelPath();
  }
}
