import { commonEnvSchema, parseEnv } from "@pagewise/config";
import { createLogger } from "@pagewise/logger";
import { prepareDatabase } from "./prepare";

const log = createLogger("migrate");

prepareDatabase(parseEnv(commonEnvSchema).DATABASE_URL, log)
  .then(() => process.exit(0))
  .catch((error: Error) => {
    log.fatal(error.message);
    process.exit(1);
  });
