interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as SdkError | null)?.$metadata?.httpStatusCode;
}

/** NoSuchKey (GetObject), NotFound (HeadObject, whose 404 has no body) or any plain 404. */
export function isNotFound(error: unknown): boolean {
  const name = (error as SdkError | null)?.name;
  return name === "NoSuchKey" || name === "NotFound" || statusOf(error) === 404;
}

/** A readiness failure worded for an operator: which bucket, where, and what went wrong. */
export function bucketCheckError(bucket: string, endpoint: string, error: unknown): Error {
  const status = statusOf(error);
  const where = `S3 bucket "${bucket}" at ${endpoint}`;
  let reason: string;
  if (status === 404 || (error as SdkError | null)?.name === "NoSuchBucket") reason = "does not exist";
  else if (status === 403) reason = "is not accessible with these credentials (403 Forbidden)";
  else if (status === 301 || status === 400) reason = `rejected the request (HTTP ${status}: wrong region or endpoint?)`;
  else reason = `is unreachable: ${(error as SdkError | null)?.message ?? String(error)}`;
  return new Error(`${where} ${reason}`, { cause: error });
}
