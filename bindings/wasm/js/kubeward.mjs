// The package's entry point for browsers and bundlers (pkg/kubeward.js): the functions of
// the wasm-bindgen module, guarded so that a panic or a trap never leaves the module
// unusable. Errors kubeward means to throw are named KubewardError; anything else means the
// instance stopped half-way, so it is replaced by a fresh one before the error is rethrown.
import init, * as raw from "./kubeward_wasm.js";

export default init;
export { initSync } from "./kubeward_wasm.js";

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

export const scan = guard(raw.scan);
export const scanChart = guard(raw.scanChart);
export const renderChart = guard(raw.renderChart);
export const decode = guard(raw.decode);
export const policies = guard(raw.policies);
export const version = guard(raw.version);
/** @internal For the test suite: panics. */
export const __panicForTests = guard(raw.__panicForTests);
