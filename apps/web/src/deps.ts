import type { DocumentChangeSubscriptions, DocumentRepository, UploadRepository } from "@pagewise/db";
import type { Logger } from "@pagewise/logger";
import type { DocumentQueue } from "@pagewise/queue";
import type { ObjectStore } from "@pagewise/storage";
import type { Registry } from "prom-client";
import type { OpenStreams } from "./live/open-streams";
import type { QueueEstimates } from "./live/queue-estimates";
import type { StatusBodies } from "./live/status-bodies";
import type { Slots } from "./slots";
import type { UploadPolicy } from "./upload-options";

/** What the web app needs from the outside world; main.ts builds the real ones, tests may build their own. */
export interface WebDeps {
  documents: DocumentRepository;
  /** Direct-to-S3 uploads; without it (or without S3 storage) POST /api/uploads answers 409. */
  uploads?: UploadRepository;
  /** Lifetime of presigned URLs (direct uploads). */
  signedUrlTtlSeconds?: number;
  queue: DocumentQueue;
  store: ObjectStore;
  log: Logger;
  /** Resolves when Postgres and Redis answer; rejects otherwise. */
  checkReady: () => Promise<void>;
  /**
   * maxUploadsInFlight: multipart uploads received at once (uploads-in-flight.ts); maxOpenStreams: SSE streams and
   * long-polls held open at once. Unset = no bound (tests); main.ts sets both from the environment.
   */
  limits: { maxUploadBytes: number; maxUploadsInFlight?: number; maxOpenStreams?: number };
  /**
   * The settings the workers process documents with (DETECTOR_MODEL, RENDER_DPI): an upload with reuse=true reuses a
   * succeeded document only when they match. Without them reuse=true is accepted and does nothing.
   */
  processing?: { detector: string; dpi: number };
  /**
   * The one change feed: PostgreSQL's notifications of document changes (DocumentChangeListener). Status answers,
   * SSE streams and long-polls follow it; without it (or while it is down) answers are checked against the row and
   * streams re-read on a timer (`live.pollMs`).
   */
  documentChanges?: DocumentChangeSubscriptions;
  /** Timers of SSE streams and long-polls: heartbeat, and the re-read while the change feed is down (tests). */
  live?: { heartbeatMs?: number; pollMs?: number };
  /** Open SSE streams, ended at shutdown. */
  streams?: OpenStreams;
  /** Registry served at GET /metrics; without it there is no /metrics route. */
  metrics?: Registry;
  security?: {
    /** Bearer token for /api (except /api/config and /api/openapi.json) and /metrics; unset = open. */
    apiKey?: string;
    /** Origins allowed by CORS; empty = same-origin only. */
    corsOrigins?: readonly string[];
    /** Basic-auth credentials of the queue dashboard at /admin/queues; unset = no dashboard (404). */
    admin?: { user: string; password: string };
  };
  /** The built browser page (apps/ui/dist); defaults to the workspace's build output. */
  uiDir?: string;
  /** Retention and webhook settings for uploads; unset = keep forever, no webhooks. */
  uploadPolicy?: UploadPolicy;
  /** true once POST /api/uploads (direct-to-S3) is served: GET /api/config then tells the page to use it. */
  directUpload?: boolean;
}

/**
 * The app's own parts, made by createApp: the status answers kept per document (routes/document-status.ts), the
 * queue estimates added to them per request, and the slots that bound uploads and open streams (slots.ts).
 */
export type AppDeps = WebDeps & { statusBodies: StatusBodies; queueEstimates: QueueEstimates; slots: { uploads: Slots; streams: Slots } };
