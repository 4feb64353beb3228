/** The API's shapes, as @pagewise/core declares them (types only: the bundle holds none of core's code). */
import type {
  DocumentStatusName,
  PageLimitReason,
  PageLinks,
  PageResult,
  SkippedPage,
  SkippedPageLinks,
} from "@pagewise/core/api-types";

export type {
  ClientConfig,
  Detection,
  DocumentDetail,
  DocumentSummary,
  Failure,
  PageLinks,
  PageResult,
  SkippedPage,
  SkippedPageLinks,
} from "@pagewise/core/api-types";
export type Status = DocumentStatusName;

export const isSkipped = (page: PageLinks | SkippedPageLinks | PageResult | SkippedPage): page is SkippedPageLinks | SkippedPage =>
  "skipped" in page;

/** Why a page was degraded or skipped, in words. */
export const limitLabel: Record<PageLimitReason, string> = {
  memory: "it needed more memory than the worker's limit",
  timeout: "it took longer than the page time limit",
};

export const isFinished = (s: Status): boolean => s === "succeeded" || s === "failed" || s === "cancelled";
