import type { Detector } from "@pagewise/detector";

/**
 * One inference at a time, in call order: pages handled concurrently (pipelining) overlap rendering with
 * detection, never two detections (which would double the runtime's memory for no speed on two cores).
 */
export function serialized(detector: Detector): Detector {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    id: detector.id,
    load: () => detector.load(),
    dispose: () => detector.dispose(),
    inputSize: detector.inputSize?.bind(detector),
    detect(image, outputSize) {
      const run = tail.then(() => detector.detect(image, outputSize));
      tail = run.catch(() => undefined);
      return run;
    },
  };
}
