// @ts-check
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const globals = require("globals");

/** What the web process must never load: the detector runtime, the renderer and the packages that wrap them. */
const workerOnly = [
  { name: "onnxruntime-node", message: "The web process never loads the detector runtime." },
  { name: "@napi-rs/canvas", message: "The web process never loads canvas." },
  { name: "pdfjs-dist", message: "The web process never loads pdf.js." },
  { name: "sharp", message: "The web process never loads an image decoder (sharp / libvips)." },
  { name: "@pagewise/detector", message: "The detector is worker-only." },
  { name: "@pagewise/pdf", message: "PDF rendering is worker-only." },
  { name: "@pagewise/db/progress", message: "workerTransitions are the worker's; the web writes through DocumentRepository (webTransitions)." },
];
const workerOnlyPatterns = ["sharp/*", "@img/*", "pdfjs-dist/*", "onnxruntime-node/*", "@pagewise/detector/*", "@pagewise/pdf/*", "@pagewise/worker", "@pagewise/worker/*"];

module.exports = tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "packages/db/src/generated/**", "data/**", "coverage/**", "test-artifacts/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "error",
    },
  },
  {
    files: ["**/*.js"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["apps/web/src/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: workerOnly, patterns: workerOnlyPatterns }],
    },
  },
  {
    // The worker process writes with pg alone (@pagewise/db/progress): Prisma's client and its WebAssembly compiler
    // would cost it ~24 MB of a dyno it shares with the compute child. Types from the main entry are fine.
    files: ["apps/worker/src/**/*.ts"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            { name: "@pagewise/db", message: "The worker imports @pagewise/db/progress (no Prisma client).", allowTypeImports: true },
            { name: "@prisma/client", message: "The worker never loads Prisma's client." },
          ],
        },
      ],
    },
  },
  {
    // The browser page: browser globals, never Node's.
    files: ["apps/ui/src/**/*.ts"],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ["tests/**/*.ts", "scripts/**"],
    languageOptions: { globals: { ...globals.node, ...globals.jest } },
    rules: { "no-console": "off" },
  },
);
