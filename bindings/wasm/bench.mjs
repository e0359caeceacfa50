// Timing figures for the README: node bench.mjs [path to the kubeward CLI]
// Scans the same ~1 MB manifest with the Node package and with the native CLI (wall
// time of the whole process, JSON report), median of 7 runs each after a warm-up.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import path from "node:path";
import { bigManifest, loadPackage, packageDir } from "./tests/helpers.mjs";

const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const time = (fn) => {
  fn();
  return median(Array.from({ length: 7 }, () => {
    const t0 = performance.now();
    fn();
    return performance.now() - t0;
  }));
};

const text = bigManifest();
const wasm = readFileSync(path.join(packageDir, "pkg-node", "kubeward_wasm_bg.wasm"));
console.log(`input: ${text.length} bytes, ${text.split("\n---\n").length} documents`);
console.log(`kubeward_wasm_bg.wasm: ${wasm.length} bytes, ${gzipSync(wasm, { level: 9 }).length} bytes gzip -9`);

const kubeward = loadPackage();
let findings = 0;
const node = time(() => { findings = kubeward.scan(text, { filename: "big.yaml" }).findings.length; });
console.log(`node ${process.version}: ${node.toFixed(1)} ms (${findings} findings)`);

const cli = process.argv[2];
if (cli) {
  const file = path.join(tmpdir(), `kubeward-bench-${process.pid}.yaml`);
  writeFileSync(file, text);
  const native = time(() => {
    const run = spawnSync(cli, ["scan", "--format", "json", file], { encoding: "utf8", maxBuffer: 1 << 30 });
    if (run.status !== 1) throw new Error(`CLI exit ${run.status}: ${run.stderr}`);
  });
  console.log(`native CLI: ${native.toFixed(1)} ms (whole process)`);
  console.log(`node / native: ${(node / native).toFixed(2)}x`);
}
