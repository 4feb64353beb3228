import type { z } from "zod";
import type { HttpError } from "./http-error";

/** Parses with a zod schema, or throws the given client error. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, onError: () => HttpError): T {
  const result = schema.safeParse(value);
  if (!result.success) throw onError();
  return result.data;
}
