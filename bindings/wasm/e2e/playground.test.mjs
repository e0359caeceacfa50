// End-to-end tests of the playground in headless Chromium (Debian's `chromium`, driven by
// playwright-core). Screenshots of each state go to $KUBEWARD_SCREENSHOTS (default:
// <cargo target dir>/wasm-screenshots).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { bigManifest, CHART, CHART_PRIVILEGED_LINE, loadPackage, packageDir, repoRoot, tgz } from "../tests/helpers.mjs";

const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const shots = process.env.KUBEWARD_SCREENSHOTS ?? path.join(process.env.CARGO_TARGET_DIR ?? path.join(repoRoot, "target"), "wasm-screenshots");
mkdirSync(shots, { recursive: true });

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

let browser, server, base, page;
const consoleErrors = [];

before(async () => {
  ({ server, url: base } = await serve(packageDir));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on("console", (msg) => msg.type() === "error" && consoleErrors.push(msg.text()));
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
});

after(async () => {
  await browser?.close();
  server?.close();
});

const shot = (name) => page.screenshot({ path: path.join(shots, `${name}.png`) });

test("the page loads and scans the sample", async () => {
  await page.goto(`${base}/playground/`);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30_000 });
  await page.waitForSelector(".finding");
  const count = await page.locator(".finding").count();
  assert.ok(count >= 5, `${count} findings for the sample`);
  for (const sev of ["critical", "high"]) assert.ok(await page.locator(`.finding.sev-${sev}`).count() > 0, sev);
  assert.match(await page.textContent("#status"), /scanned .* in [\d.]+ ms/);
  await shot("1-sample");
  assert.deepEqual(consoleErrors, []);
});

test("typing a privileged pod shows the finding with its line; clicking it highlights the line", async () => {
  await page.fill("#manifest-editor textarea", PRIVILEGED_POD);
  const finding = page.locator('.finding[data-policy="KW-SEC-001"][data-line="10"]');
  await finding.waitFor();
  assert.equal(await page.locator('.finding[data-policy="KW-SEC-001"]').count(), 1);
  assert.match(await finding.textContent(), /line 10\b/);
  assert.match(await finding.textContent(), /critical/i);
  await shot("2-privileged-pod");
  await finding.click();
  const band = page.locator("#manifest-editor .band.selected");
  await band.waitFor();
  assert.equal(await band.getAttribute("data-line"), "10");
  const selected = await page.$eval("#manifest-editor textarea", (t) => t.value.slice(t.selectionStart, t.selectionEnd));
  assert.equal(selected, "        privileged: true");
  assert.equal(await page.locator(".finding.selected").count(), 1);
  await shot("3-finding-clicked");
});

test("the state is in the URL: a link reproduces the result", async () => {
  // Wait until the URL holds what the editor holds (it is saved after a short delay). The
  // check is asynchronous, so it is polled from here: `waitForFunction` takes the promise an
  // async predicate returns for a truthy result and would not wait.
  const urlHoldsEditor = () => page.evaluate(async () => {
    const m = location.hash.match(/^#s=([A-Za-z0-9_-]+)/);
    if (!m) return false;
    const bytes = Uint8Array.from(atob(m[1].replaceAll("-", "+").replaceAll("_", "/")), (c) => c.charCodeAt(0));
    const text = await new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"))).text();
    return JSON.parse(text).m === document.querySelector("#manifest-editor textarea").value;
  });
  const deadline = Date.now() + 30_000;
  while (!(await urlHoldsEditor())) {
    assert.ok(Date.now() < deadline, "the URL never held the editor's text");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const link = await page.evaluate(() => location.href);
  const other = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await other.goto(link);
  await other.waitForSelector("body[data-ready=true]");
  assert.equal(await other.inputValue("#manifest-editor textarea"), PRIVILEGED_POD);
  await other.locator('.finding[data-policy="KW-SEC-001"]').waitFor();
  await other.close();
});

test("pack selection and a custom policy with an error at its line", async () => {
  await page.click("#tab-policy");
  const broken = "id: ORG-001\ntitle: t\nseverity: high\ncategory: c\ndocs: {why: w, fix: f}\ntarget:\n  view: container\nrule:\n  deny: {path: image, notMatchez: x}\nmessage: m\n";
  await page.fill("#policy-editor textarea", broken);
  const error = page.locator("#policy-errors li");
  await error.first().waitFor();
  assert.match(await error.first().textContent(), /policy\.yaml:9:/);
  assert.equal(await page.locator("#policy-editor .band.error").first().getAttribute("data-line"), "9");
  assert.equal(await page.textContent("#policy-badge"), "1");
  await shot("4-policy-error");
  await page.fill("#policy-editor textarea", broken.replace("notMatchez: x", "notMatches: '^registry\\.example\\.com/'"));
  await page.locator('.finding[data-policy="ORG-001"]').waitFor();
  await page.uncheck('#packs input[value="default"]');
  await page.waitForFunction(() => document.querySelectorAll(".finding").length === 1);
  assert.equal(await page.getAttribute(".finding", "data-policy"), "ORG-001");
  await page.click("#tab-manifest");
  await shot("5-custom-policy-only");
  await page.check('#packs input[value="default"]');
  await page.click("#tab-policy");
  await page.fill("#policy-editor textarea", "");
  await page.click("#tab-manifest");
});

test("a 1 MB manifest is scanned in the browser", async () => {
  const size = await page.evaluate(async (text) => {
    const kw = await import("../pkg/kubeward.js");
    const times = [];
    let findings = 0;
    for (let run = 0; run < 5; run++) {
      const t0 = performance.now();
      findings = kw.scan(text).findings.length;
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    return { bytes: text.length, median: times[2], findings };
  }, bigManifest());
  console.log(`# browser: scanned ${size.bytes} bytes in ${size.median.toFixed(1)} ms (median of 5), ${size.findings} findings`);
  writeFileSync(path.join(shots, "browser-timing.json"), JSON.stringify(size));
  assert.ok(size.findings > 1000);
});

test("a chart .tgz shows its rendered manifests and a finding traced to its template", async (t) => {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "kubeward-e2e-")), "demo-0.1.0.tgz");
  writeFileSync(file, tgz(CHART));
  await page.click("#tab-chart");
  await page.setInputFiles("#chart-file", file);
  await page.waitForFunction(() => /Chart: demo-0\.1\.0/.test(document.querySelector("#chart-name").textContent));
  assert.equal(await page.inputValue("#values-editor textarea"), CHART["values.yaml"], "the chart's values are shown");
  await shot("6-chart");
  const finding = page.locator('.finding[data-policy="KW-SEC-001"]');
  await finding.waitFor();
  assert.match(await finding.textContent(), new RegExp(`templates/deployment\\.yaml:${CHART_PRIVILEGED_LINE}\\b`));
  assert.match(await page.inputValue("#rendered-editor textarea"), /privileged: true/);
  await finding.click();
  await page.locator("#rendered-editor .band.selected").waitFor();
  await shot("7-chart-finding-clicked");
  await page.fill("#values-editor textarea", "image: nginx:1.27\nprivileged: false\n");
  await page.waitForFunction(() => !document.querySelector('.finding[data-policy="KW-SEC-001"]'));
  await shot("8-chart-values-fixed");
});
