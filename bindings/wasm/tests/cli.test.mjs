// The package's scan and the CLI's JSON report agree on the same input.
// The CLI binary: $KUBEWARD_CLI, else built here with cargo (release).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { here, loadPackage, repoRoot } from "./helpers.mjs";

const kubeward = loadPackage();

function cli() {
  if (process.env.KUBEWARD_CLI) return process.env.KUBEWARD_CLI;
  execFileSync("cargo", ["build", "--quiet", "--locked", "--release", "-p", "kubeward-cli"], { cwd: repoRoot, stdio: "inherit" });
  const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, "target");
  const binary = path.join(targetDir, "release", process.platform === "win32" ? "kubeward.exe" : "kubeward");
  assert.ok(existsSync(binary), `no CLI at ${binary}`);
  return binary;
}

const binary = cli();

function cliReport(file, args) {
  const run = spawnSync(binary, ["scan", "--format", "json", ...args, file], { cwd: repoRoot, encoding: "utf8", maxBuffer: 1 << 30 });
  assert.ok([0, 1, 2].includes(run.status), run.stderr);
  return { report: JSON.parse(run.stdout), status: run.status };
}

const inputs = [
  ...readdirSync(path.join(repoRoot, "examples")).filter((f) => f.endsWith(".yaml")).map((f) => `examples/${f}`),
  path.relative(repoRoot, path.join(here, "fixtures", "cli-mix.yaml")),
];
const settings = [
  { args: [], options: {} },
  { args: ["--pack", "all"], options: { packs: ["all"] } },
  { args: ["--pack", "pss-restricted", "--pss-version", "v1.25", "--fail-on", "high"], options: { packs: ["pss-restricted"], pssVersion: "v1.25", failOn: "high" } },
  {
    args: ["--pack", "none", "--policy", path.relative(repoRoot, path.join(here, "fixtures", "org-policy.yaml"))],
    options: { packs: ["none"], policies: { [path.relative(repoRoot, path.join(here, "fixtures", "org-policy.yaml"))]: readFileSync(path.join(here, "fixtures", "org-policy.yaml"), "utf8") } },
  },
];

for (const file of inputs) {
  for (const { args, options } of settings) {
    test(`scan ${file} ${args.join(" ")} equals the CLI's JSON report`, () => {
      const { report: expected, status } = cliReport(file, args);
      const text = readFileSync(path.join(repoRoot, file), "utf8");
      const actual = kubeward.scan(text, { ...options, filename: file });
      assert.deepStrictEqual(JSON.parse(JSON.stringify(actual)), expected);
      assert.equal(actual.exitCode, status);
    });
  }
}
