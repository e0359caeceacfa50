// The package's API in Node: node --test tests/ (after ./build.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { CHART, CHART_PRIVILEGED_LINE, here, loadPackage, tgz } from "./helpers.mjs";

const kubeward = loadPackage();
const ORG_POLICY = readFileSync(path.join(here, "fixtures", "org-policy.yaml"), "utf8");

const PRIVILEGED_POD = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
`;

const privileged = (report) => report.findings.filter((f) => f.aliases.includes("pss:privileged"));

test("version is the crate's", () => {
  assert.match(kubeward.version(), /^\d+\.\d+\.\d+/);
});

test("scan finds a privileged container at its line and column", () => {
  const report = kubeward.scan(PRIVILEGED_POD, { filename: "pod.yaml" });
  assert.deepEqual(Object.keys(report), ["version", "tool", "findings", "suppressed", "errors", "summary"]);
  const [finding, ...rest] = privileged(report);
  assert.equal(rest.length, 0);
  assert.equal(finding.severity, "critical");
  assert.equal(finding.file, "pod.yaml");
  assert.deepEqual([finding.line, finding.column, finding.endLine, finding.endColumn], [10, 9, 10, 25]);
  assert.equal(finding.path, "/spec/containers/0/securityContext/privileged");
  assert.deepEqual(finding.resource, { apiVersion: "v1", kind: "Pod", name: "web", document: 0 });
  assert.equal(finding.container, "app");
  assert.equal(finding.template, undefined);
  assert.equal(report.exitCode, 1);
  assert.equal(JSON.stringify(report).includes("exitCode"), false, "exitCode is not enumerable");
});

test("YAML 1.1 booleans count: privileged: yes is privileged", () => {
  const report = kubeward.scan(PRIVILEGED_POD.replace("privileged: true", "privileged: yes"));
  assert.equal(privileged(report).length, 1);
  assert.equal(privileged(report)[0].file, "manifest.yaml");
});

test("failOn sets exitCode", () => {
  assert.equal(kubeward.scan(PRIVILEGED_POD, { failOn: "never" }).exitCode, 0);
  assert.equal(kubeward.scan(PRIVILEGED_POD, { failOn: "critical" }).exitCode, 1);
  assert.equal(kubeward.scan("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n").exitCode, 0);
});

test("packs and the Pod Security version select policies", () => {
  const none = kubeward.scan(PRIVILEGED_POD, { packs: ["none"] });
  assert.equal(none.findings.length, 0);
  const all = kubeward.scan(PRIVILEGED_POD, { packs: ["all"] });
  assert.ok(all.findings.length > kubeward.scan(PRIVILEGED_POD).findings.length);
  const restricted = kubeward.scan(PRIVILEGED_POD, { packs: ["pss-restricted"], pssVersion: "v1.25" });
  assert.ok(restricted.findings.every((f) => kubeward.policies().find((p) => p.id === f.policy)?.packs.includes("pss-restricted")));
  assert.equal(privileged(restricted).length, 1);
});

test("input errors are in the report with their location, never thrown", () => {
  const report = kubeward.scan(`${PRIVILEGED_POD}---\nkind: [unclosed\n`, { filename: "bad.yaml" });
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0].file, "bad.yaml");
  assert.ok([12, 13].includes(report.errors[0].line), JSON.stringify(report.errors));
  assert.equal(privileged(report).length, 1, "one bad document does not hide the others");
  assert.equal(report.exitCode, 2);
});

test("custom policies apply; given as a list or by name", () => {
  const listed = kubeward.scan(PRIVILEGED_POD, { packs: ["none"], policies: [ORG_POLICY] });
  assert.deepEqual(listed.findings.map((f) => [f.policy, f.line]), [["ORG-001", 8]]);
  assert.match(listed.findings[0].message, /nginx:1\.27/);
  const named = kubeward.scan(PRIVILEGED_POD.replace("nginx:1.27", "registry.example.com/nginx:1.27"), {
    packs: ["none"],
    policies: { "org.yaml": ORG_POLICY },
  });
  assert.equal(named.findings.length, 0);
});

test("an invalid policy throws an Error naming its file and line", () => {
  const broken = ORG_POLICY.replace("notMatches:", "notMatchez:");
  const line = broken.split("\n").findIndex((l) => l.includes("notMatchez")) + 1;
  assert.throws(
    () => kubeward.scan(PRIVILEGED_POD, { policies: { "org.yaml": broken } }),
    (err) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /org\.yaml:\d+:\d+: /);
      assert.equal(err.errors[0].file, "org.yaml");
      assert.equal(err.name, "KubewardError");
      assert.equal(err.errors[0].line, line, JSON.stringify(err.errors));
      return true;
    },
  );
  assert.throws(() => kubeward.scan(PRIVILEGED_POD, { policies: ["id: [unclosed"] }), /policy-1\.yaml:1:/);
});

test("invalid options throw an Error naming the option", () => {
  assert.throws(() => kubeward.scan(PRIVILEGED_POD, { pack: ["all"] }), /scan options: unknown field `pack`/);
  assert.throws(() => kubeward.scan(PRIVILEGED_POD, { packs: "all" }), /scan options: invalid type/);
  assert.throws(() => kubeward.scan(PRIVILEGED_POD, { failOn: "sometimes" }), /failOn: `sometimes` is not a severity/);
  assert.throws(() => kubeward.scan(PRIVILEGED_POD, { packs: ["no-such-pack"] }), /no-such-pack/);
  assert.throws(() => kubeward.scan(PRIVILEGED_POD, { pssVersion: "1.x" }), /1\.x/);
  assert.throws(() => kubeward.scan(42), Error);
});

test("decode reads YAML as Kubernetes does, and throws at the bad line", () => {
  const docs = kubeward.decode("a: yes\nb: 0777\n---\n---\n- 1\n");
  assert.deepEqual(docs, [{ a: true, b: 511 }, [1]]);
  assert.throws(() => kubeward.decode("a: 1\nb: [\n", "x.yaml"), (err) => {
    assert.match(err.message, /x\.yaml:\d+:\d+: /);
    assert.equal(err.errors[0].file, "x.yaml");
    return true;
  });
});

test("policies lists every built-in policy", () => {
  const all = kubeward.policies();
  assert.ok(all.length > 50, `${all.length} policies`);
  const sec1 = all.find((p) => p.id === "KW-SEC-001");
  assert.equal(sec1.severity, "critical");
  assert.ok(sec1.aliases.includes("pss:privileged"));
  assert.ok(sec1.packs.includes("pss-baseline"));
  assert.deepEqual(Object.keys(sec1).sort(), ["aliases", "category", "description", "fix", "id", "packs", "severity", "title"]);
});

test("a panic throws an Error and the next call still works", () => {
  assert.throws(() => kubeward.__panicForTests(3), (err) => {
    assert.ok(err instanceof Error);
    assert.match(err.message, /kubeward panicked.*index out of bounds/s);
    return true;
  });
  assert.equal(privileged(kubeward.scan(PRIVILEGED_POD)).length, 1);
  assert.throws(() => kubeward.__panicForTests(0), /panicked/);
  assert.throws(() => kubeward.__panicForTests(1), /panicked/, "a second panic is reported the same way");
  assert.equal(kubeward.policies().length > 0, true);
  assert.equal(privileged(kubeward.scan(PRIVILEGED_POD)).length, 1);
});

// --- charts ---

test("chart arguments are checked", () => {
  assert.throws(() => kubeward.scanChart(42), /chart files must be/);
  assert.throws(() => kubeward.scanChart({ "Chart.yaml": 1 }), /chart file `Chart.yaml` must be a string or a Uint8Array/);
  assert.throws(() => kubeward.scanChart(CHART, { valuez: [] }), /chart options: unknown field `valuez`/);
  assert.throws(() => kubeward.renderChart(CHART, { set: "a=1" }), /chart options: invalid type/);
});

test("a chart that cannot be read is an error in scanChart's report, thrown by renderChart", () => {
  const garbage = new Uint8Array([1, 2, 3, 4]);
  const report = kubeward.scanChart(garbage, { filename: "broken.tgz" });
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0].file, "broken.tgz");
  assert.equal(report.exitCode, 2);
  assert.throws(() => kubeward.renderChart(garbage), (err) => err instanceof Error && err.errors.length === 1);
});

test("renderChart prints what helm template prints", (t) => {
  const text = kubeward.renderChart(CHART, { releaseName: "shop" });
  assert.match(text, /# Source: demo\/templates\/deployment\.yaml/);
  assert.match(text, /name: shop-demo/);
  assert.match(text, /privileged: true/);
  assert.match(kubeward.renderChart(CHART, { set: ["privileged=false"] }), /privileged: false/);
});

test("scanChart traces findings to the template line (folder and .tgz)", (t) => {
  for (const files of [CHART, tgz(CHART), tgz(CHART).buffer]) {
    const report = kubeward.scanChart(files, { filename: "demo" });
    assert.deepEqual(report.errors, []);
    const [finding] = privileged(report);
    assert.ok(finding, JSON.stringify(report.findings));
    assert.equal(finding.file, "demo");
    assert.equal(finding.template.chart, "demo");
    assert.match(finding.template.file, /templates\/deployment\.yaml$/);
    assert.equal(finding.template.line, CHART_PRIVILEGED_LINE);
  }
});

test("chart values, --set and policies change the result", (t) => {
  assert.equal(privileged(kubeward.scanChart(CHART, { values: ["privileged: false\n"] })).length, 0);
  assert.equal(privileged(kubeward.scanChart(CHART, { values: { "prod.yaml": "privileged: false\n" } })).length, 0);
  assert.equal(privileged(kubeward.scanChart(CHART, { set: ["privileged=false"] })).length, 0);
  const org = kubeward.scanChart(CHART, { packs: ["none"], policies: [ORG_POLICY] });
  assert.deepEqual(org.findings.map((f) => f.policy), ["ORG-001"]);
  const broken = kubeward.scanChart({ ...CHART, "templates/bad.yaml": "{{ .Values.nope.deeper }}\n" });
  assert.ok(broken.errors.length > 0);
  assert.equal(broken.exitCode, 2);
});
