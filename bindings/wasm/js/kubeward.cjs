// The package's entry point for Node (pkg-node/kubeward.js): the functions of the
// wasm-bindgen module, guarded so that a panic or a trap never leaves the module unusable.
// Errors kubeward means to throw are named KubewardError; anything else means the instance
// stopped half-way, so it is replaced by a fresh one before the error is rethrown.
"use strict";
const raw = require("./kubeward_wasm.js");

function guard(fn) {
  return function guarded(...args) {
    try {
      return fn(...args);
    } catch (err) {
      if (!(err instanceof Error && err.name === "KubewardError")) raw.__wbg_reset_state();
      throw err;
    }
  };
}

exports.scan = guard(raw.scan);
exports.scanChart = guard(raw.scanChart);
exports.renderChart = guard(raw.renderChart);
exports.decode = guard(raw.decode);
exports.policies = guard(raw.policies);
exports.version = guard(raw.version);
/** @internal For the test suite: panics. */
exports.__panicForTests = guard(raw.__panicForTests);
