// Test tiers: unit (pure logic), integration (real Postgres, Redis, S3 server), corpus (the shared PDFs),
// e2e (real web + worker processes over HTTP). `npm test` runs them all after lint and typecheck.
const shared = {
  testEnvironment: "<rootDir>/tests/support/jest.environment.js",
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } }, module: { type: "commonjs" } }],
    "^.+\\.mjs$": "<rootDir>/tests/support/jest.mjs-transform.js",
  },
  transformIgnorePatterns: ["/node_modules/(?!pdfjs-dist/)"],
  moduleFileExtensions: ["ts", "js", "mjs", "json", "node"],
  moduleNameMapper: {
    "^@pagewise/(config|logger|db|queue|storage|detector|pdf|pipeline|core|metrics)$": "<rootDir>/packages/$1/src/index.ts",
    "^@pagewise/db/progress$": "<rootDir>/packages/db/src/progress.ts",
    "^@pagewise/detector/model-files$": "<rootDir>/packages/detector/src/model-files.ts",
    "^@pagewise/web/(.*)$": "<rootDir>/apps/web/src/$1",
    "^@pagewise/worker/(.*)$": "<rootDir>/apps/worker/src/$1",
    "^@pagewise/ui/(.*)$": "<rootDir>/apps/ui/src/$1",
    "^@pagewise/cli/(.*)$": "<rootDir>/apps/cli/src/$1",
  },
  setupFiles: ["<rootDir>/tests/support/env.js"],
};

const tier = (name, extra = {}) => ({ ...shared, displayName: name, testMatch: [`<rootDir>/tests/${name}/**/*.test.ts`], ...extra });

module.exports = {
  projects: [tier("unit"), tier("integration"), tier("corpus"), tier("e2e")],
  globalSetup: "<rootDir>/tests/support/global-setup.js",
  testTimeout: 60_000,
  reporters: ["default", "<rootDir>/tests/support/summary-reporter.js"],
};
