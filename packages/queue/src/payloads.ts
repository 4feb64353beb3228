import { z } from "zod";
import { JobName } from "./names";

/**
 * Payloads carry ids, never data: the PDF lives in storage, the state in Postgres.
 * Unknown fields are stripped, not refused (zod's default): during a rolling deploy a web process one release ahead
 * may add a field that an older worker does not know yet, and its jobs must still run there. A field is only ever
 * added; removing or retyping one needs a release that accepts both shapes first
 * (tests/unit/fixtures/job-payloads.json keeps what earlier releases wrote).
 */
const jobPayloadSchemas = {
  [JobName.ProcessDocument]: z.object({ documentId: z.uuid() }),
  /**
   * A page range of a split document. `deadline` (epoch ms) is the document's time limit, set once when the parent
   * split it, so that DOCUMENT_TIMEOUT_SECONDS applies to the document, not to each range.
   */
  [JobName.ProcessRange]: z.object({
    documentId: z.uuid(),
    firstPage: z.int().min(1),
    lastPage: z.int().min(1),
    deadline: z.int().min(0),
  }),
  [JobName.Housekeeping]: z.object({}),
  /** A row of webhook_deliveries (its event, target and body are there): `msg_` + 32 hex digits. */
  [JobName.DeliverWebhook]: z.object({ deliveryId: z.string().regex(/^msg_[0-9a-f]{32}$/) }),
} as const;

export type JobPayload<N extends JobName> = z.infer<(typeof jobPayloadSchemas)[N]>;

/** Parse a payload for job `name` (unknown fields dropped); throws a ZodError if it does not match the contract. */
export function parseJobPayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return jobPayloadSchemas[name].parse(data) as JobPayload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.prototype.hasOwnProperty.call(jobPayloadSchemas, name);
}
