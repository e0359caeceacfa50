// Resource limits from JavaScript: `limits: {name: value}`, checked by the library.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadPackage } from "./helpers.mjs";

const kubeward = loadPackage();

const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: {a: '${"x".repeat(5000)}'}
`;

test("a limit given to scan applies and is named in the error", () => {
  assert.equal(kubeward.scan(CONFIG_MAP).errors.length, 0);
  const report = kubeward.scan(CONFIG_MAP, { limits: { "max-scalar-bytes": 1000 } });
  assert.equal(report.errors.length, 1);
  assert.match(report.errors[0].message, /\(limit max-scalar-bytes=1000\)$/);
});

test("an unknown limit is an error", () => {
  assert.throws(() => kubeward.scan(CONFIG_MAP, { limits: { "max-kees": 1 } }), /unknown limit `max-kees`/);
});
