/** The API's shapes as the page uses them (see /api/openapi.json). */
export type Status = "queued" | "processing" | "succeeded" | "failed" | "cancelled";

export interface Failure {
  code: string;
  message: string;
}

export interface DocumentSummary {
  id: string;
  title: string;
  filename: string;
  status: Status;
  pageCount: number | null;
  pagesDone: number;
  detector: string | null;
  error: Failure | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface PageLinks {
  number: number;
  width: number;
  height: number;
  scale: number;
  detections: number;
  imageUrl: string;
  jsonUrl: string;
}

export interface DocumentDetail extends DocumentSummary {
  pages: PageLinks[];
}

export interface Detection {
  box: [number, number, number, number];
  polygon: Array<[number, number]>;
  score: number;
  label: string;
}

export interface PageResult {
  number: number;
  width: number;
  height: number;
  scale: number;
  rotation: number;
  detector: string;
  detections: Detection[];
}

export interface ClientConfig {
  directUpload: boolean;
  maxUploadBytes: number;
  authRequired: boolean;
  storage: "local" | "s3";
}

export const isFinished = (s: Status): boolean => s === "succeeded" || s === "failed" || s === "cancelled";
