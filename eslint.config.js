// @ts-check
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const globals = require("globals");

/** What the web process must never load: the detector runtime, the renderer and the packages that wrap them. */
const workerOnly = [
  { name: "onnxruntime-node", message: "The web process never loads the detector runtime." },
  { name: "@napi-rs/canvas", message: "The web process never loads canvas." },
  { name: "pdfjs-dist", message: "The web process never loads pdf.js." },
  { name: "@pagewise/detector", message: "The detector is worker-only." },
  { name: "@pagewise/pdf", message: "PDF rendering is worker-only." },
];
const workerOnlyPatterns = ["pdfjs-dist/*", "onnxruntime-node/*", "@pagewise/detector/*", "@pagewise/pdf/*", "@pagewise/worker", "@pagewise/worker/*"];

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
