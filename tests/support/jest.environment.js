// onnxruntime-node's native binding creates typed arrays in Node's main realm; jest's vm sandbox has its own
// constructors, so `data instanceof Float32Array` fails inside tests. Share the main realm's constructors.
const { TestEnvironment } = require("jest-environment-node");

module.exports = class PagewiseEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      "Float32Array", "Float64Array", "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array",
      "Uint16Array", "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array", "ArrayBuffer",
    ]) {
      this.global[name] = globalThis[name];
    }
  }
};
