/** Turn a connection failure into one line that says what to start. */
export function describeUnreachable(service: "PostgreSQL" | "Redis", url: string, error: unknown): string | undefined {
  const code = (error as { code?: string } | null)?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  const message = error instanceof Error ? error.message : String(error);
  const refused = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH"];
  if (!(code && refused.includes(code)) && !/ECONNREFUSED|ENOTFOUND|timeout/i.test(message)) return undefined;
  let where = url;
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || (service === "Redis" ? 6379 : 5432)}`;
  } catch {
    /* keep the raw value */
  }
  const variable = service === "Redis" ? "REDIS_URL" : "DATABASE_URL";
  return `Cannot reach ${service} at ${where} (${code ?? message}). Start ${service} or set ${variable}.`;
}
