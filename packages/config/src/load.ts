import { type z } from "zod";

export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parse the environment once, at start. Fails fast with one message that names every bad variable.
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".") || "(env)";
    // A message that names its variable already (DETECTOR_MODEL's) is not prefixed twice.
    return issue.message.startsWith(`${name} `) ? issue.message : `${name}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
}
