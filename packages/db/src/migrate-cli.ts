import { commonEnvSchema, parseEnv } from "@pagewise/config";
import { createLogger } from "@pagewise/logger";
import { prepareDatabase } from "./prepare";

const log = createLogger("migrate");

const env = parseEnv(commonEnvSchema);

// Heroku's release phase runs this: a non-zero exit code blocks the release.
prepareDatabase(env.DATABASE_URL, log, { rejectUnauthorized: env.DATABASE_SSL_REJECT_UNAUTHORIZED })
  .then(() => process.exit(0))
  .catch((error: Error) => {
    log.fatal(error.message);
    process.exit(1);
  });
