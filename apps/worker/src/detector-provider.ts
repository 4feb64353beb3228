import { createDetector, type Detector, type DetectorOptions } from "@pagewise/detector";

/** Loads the detector on first use (the first job), never at boot, and keeps it for the process's life. */
export class DetectorProvider {
  private loading?: Promise<Detector>;

  constructor(
    readonly id: string,
    private readonly options: DetectorOptions,
  ) {}

  get(): Promise<Detector> {
    this.loading ??= (async () => {
      const detector = createDetector(this.id, this.options);
      await detector.load();
      return detector;
    })();
    this.loading.catch(() => {
      this.loading = undefined; // a failed load is retried by the next job
    });
    return this.loading;
  }

  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (loading) await (await loading.catch(() => undefined))?.dispose();
  }
}
