// pdfjs-dist ships ESM only and jest (on Node 20) cannot require(esm). Transpile it to CommonJS with Babel,
// rewriting import.meta.url by hand: pdfjs declares its own `const require`, which the usual plugin breaks.
const babelJest = require("babel-jest").default ?? require("babel-jest");

const inner = babelJest.createTransformer({
  presets: [["@babel/preset-env", { targets: { node: "current" }, modules: "commonjs" }]],
  babelrc: false,
  configFile: false,
  compact: true,
});
const fix = (source) => source.replace(/import\.meta\.url/g, 'module.require("node:url").pathToFileURL(__filename).href');

module.exports = {
  ...inner,
  process: (source, file, options) => inner.process(fix(source), file, options),
  getCacheKey: (source, file, options) => inner.getCacheKey(fix(source), file, options),
};
