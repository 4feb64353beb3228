// Once per `jest` run: create the test database and apply the migrations with the same runner production uses.
// `npm test` builds (tsc -b) before jest, so the compiled runner is there.
require("./env");
const { prepareDatabase } = require("../../packages/db/dist");

module.exports = async () => {
  const log = { info: () => undefined };
  await prepareDatabase(process.env.DATABASE_URL, log);
};
