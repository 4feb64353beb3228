export { failureMessages, PermanentFailure, isPermanentFailure } from "./failures";
export type { FailureCode } from "./failures";
export { sniffSource, sourceContentTypes, SNIFF_BYTES, DEFAULT_MAX_IMAGE_PIXELS, type SourceKind, type Sniffed } from "./sniff";
export { storageKeys } from "./keys";
export type { Detection, PageLimitReason, PageResult, SkippedPage } from "./detections";
export { dpiOfScale } from "./detections";
export { describeUnreachable } from "./unreachable";
export type { RgbaImage } from "./image";
