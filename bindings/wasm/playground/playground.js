// The kubeward playground: everything runs in this page, on the WebAssembly package in ../pkg/.
import init, * as kubeward from "../pkg/kubeward.js";

const SAMPLE = `# A web front end with the classic mistakes: edit it and watch the findings change.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      hostNetwork: true
      containers:
        - name: nginx
          image: docker.io/someone/nginx:latest   # untrusted registry, mutable tag
          ports:
            - containerPort: 80                  # a privileged port
          securityContext:
            runAsUser: 0                         # root
            allowPrivilegeEscalation: true
        - name: log-shipper
          image: registry.example.com/shipper:2.1
          securityContext:
            privileged: yes                      # YAML 1.1: Kubernetes reads this as true
            capabilities:
              add: [NET_ADMIN, SYS_TIME]
      volumes:
        - name: host-logs
          hostPath:
            path: /var/log
`;

const SAMPLE_POLICY = `# Your own policy, applied with the packs above (the language of policies/).
# Edit it: errors show at their line. Empty the editor for none.
id: ORG-001
title: Images come from the company registry
severity: high
category: images
docs:
  why: Images from other registries are not scanned nor signed by us.
  fix: Push the image to registry.example.com and use it from there.
target:
  view: container
rule:
  deny:
    path: image
    notMatches: '^registry\\.example\\.com/'
message: "container {{container.name}} runs {{value}}: use an image from registry.example.com"
`;

const PSS_VERSIONS = ["latest"].concat(
  Array.from({ length: 16 }, (_, i) => `v1.${37 - i}`),
);
const SEVERITIES = ["critical", "high", "medium", "low", "info"];
const $ = (id) => document.getElementById(id);

/** A textarea with line numbers, markers in the gutter and highlighted lines. */
class Editor {
  constructor(host, { readOnly = false, label = "", onInput = () => {} } = {}) {
    this.host = host;
    host.innerHTML = `<div class="gutter"><div class="gutter-text"></div><div class="markers"></div></div>
      <div class="code"><div class="bands"><div class="bands-inner"></div></div>
      <textarea spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"></textarea></div>`;
    this.gutterText = host.querySelector(".gutter-text");
    this.markers = host.querySelector(".markers");
    this.bands = host.querySelector(".bands-inner");
    this.area = host.querySelector("textarea");
    this.area.readOnly = readOnly;
    this.area.setAttribute("aria-label", label);
    this.lines = 0;
    this.lineHeight = 20;
    this.area.addEventListener("input", () => {
      this.renumber();
      onInput(this.area.value);
    });
    this.area.addEventListener("scroll", () => this.sync());
    this.area.addEventListener("keydown", (e) => {
      if (e.key === "Tab" && !readOnly) {
        e.preventDefault();
        this.area.setRangeText("  ", this.area.selectionStart, this.area.selectionEnd, "end");
        this.area.dispatchEvent(new Event("input"));
      }
    });
    this.renumber();
  }
  get value() {
    return this.area.value;
  }
  set value(text) {
    this.area.value = text;
    this.renumber();
    this.area.scrollTop = 0;
  }
  renumber() {
    let n = 1;
    for (let i = this.area.value.indexOf("\n"); i !== -1; i = this.area.value.indexOf("\n", i + 1)) n++;
    if (n === this.lines) return;
    this.lines = n;
    const numbers = new Array(n);
    for (let i = 0; i < n; i++) numbers[i] = i + 1;
    this.gutterText.textContent = numbers.join("\n");
    this.host.querySelector(".gutter").style.width = `${String(n).length + 2.5}ch`;
    this.sync();
  }
  sync() {
    const y = -this.area.scrollTop;
    this.gutterText.style.transform = `translateY(${y}px)`;
    this.markers.style.transform = `translateY(${y}px)`;
    this.bands.style.transform = `translateY(${y}px)`;
  }
  top(line) {
    return 6 + (line - 1) * this.lineHeight;
  }
  /** Coloured dots in the gutter: [{line, severity}] (the most severe wins). */
  setMarkers(marks) {
    const best = new Map();
    for (const m of marks) {
      const prev = best.get(m.line);
      if (prev === undefined || SEVERITIES.indexOf(m.severity) < SEVERITIES.indexOf(prev)) best.set(m.line, m.severity);
    }
    this.markers.replaceChildren(
      ...[...best].map(([line, severity]) => {
        const dot = document.createElement("span");
        dot.className = `marker sev-${severity}`;
        dot.style.background = `var(--${severity})`;
        dot.style.top = `${this.top(line)}px`;
        dot.title = severity;
        return dot;
      }),
    );
  }
  /** Bands under lines: kind "selected" (one) or "error" (many). */
  setBands(kind, lines) {
    for (const old of this.bands.querySelectorAll(`.band.${kind}`)) old.remove();
    for (const line of lines) {
      const band = document.createElement("div");
      band.className = `band ${kind}`;
      band.dataset.line = line;
      band.style.top = `${this.top(line) - 6}px`;
      this.bands.append(band);
    }
  }
  /** Selects a line's text, scrolls it into view and highlights it. */
  reveal(line) {
    const text = this.area.value;
    let start = 0;
    for (let l = 1; l < line && start !== -1; l++) start = text.indexOf("\n", start) + 1 || -1;
    if (start === -1) return;
    const end = text.indexOf("\n", start);
    this.area.focus({ preventScroll: true });
    this.area.setSelectionRange(start, end === -1 ? text.length : end);
    this.area.scrollTop = Math.max(0, this.top(line) - this.area.clientHeight / 3);
    this.setBands("selected", [line]);
    this.sync();
  }
}

const state = {
  packs: ["default"],
  pssVersion: "latest",
  chart: null, // {name, files}
  mode: "manifest",
  manifestResult: null,
  chartResult: null,
};

let manifest, policy, values, rendered;

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

function setStatus(text, isError = false) {
  $("status").textContent = text;
  $("status").classList.toggle("error", isError);
}

function scanOptions() {
  const options = { packs: state.packs.length ? state.packs : ["none"], pssVersion: state.pssVersion };
  if (policy.value.split("\n").some((l) => l.trim() && !l.trim().startsWith("#"))) {
    options.policies = { "policy.yaml": policy.value };
  }
  return options;
}

/** Policy errors: listed, marked at their line, counted on the tab. */
function showPolicyErrors(errors) {
  const mine = errors.filter((e) => e.file === "policy.yaml");
  policy.setBands("error", mine.filter((e) => e.line > 0).map((e) => e.line));
  $("policy-errors").replaceChildren(...mine.map((e) => errorItem(e, () => { selectTab("tab-policy"); policy.reveal(e.line); })));
  $("policy-badge").hidden = mine.length === 0;
  $("policy-badge").textContent = String(mine.length);
}

function errorItem(e, onClick) {
  const li = document.createElement("li");
  li.textContent = `${e.file}${e.line ? `:${e.line}:${e.column}` : ""}: ${e.message}`;
  li.dataset.line = e.line;
  if (onClick) li.addEventListener("click", onClick);
  return li;
}

function runManifest() {
  const text = manifest.value;
  const started = performance.now();
  try {
    const report = kubeward.scan(text, scanOptions());
    const ms = performance.now() - started;
    showPolicyErrors([]);
    state.manifestResult = { report };
    setStatus(`scanned ${formatBytes(text.length)} in ${ms.toFixed(1)} ms`);
  } catch (err) {
    showPolicyErrors(err.errors ?? []);
    state.manifestResult = { error: err };
    setStatus("policy error", true);
  }
  if (state.mode !== "chart") showResults(state.manifestResult, manifest);
  manifest.setMarkers(state.manifestResult.report?.findings ?? []);
  saveUrl();
}

function formatBytes(n) {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(2)} MB`;
}

function chartOptions() {
  const options = { ...scanOptions(), filename: state.chart?.name ?? "chart" };
  if (values.value.trim()) options.values = { "values.yaml": values.value };
  return options;
}

function runChart() {
  if (!state.chart) {
    state.chartResult = null;
    if (state.mode === "chart") showResults(null, rendered);
    return;
  }
  const started = performance.now();
  try {
    rendered.value = kubeward.renderChart(state.chart.files, chartOptions());
  } catch (err) {
    rendered.value = `# The chart could not be rendered:\n# ${String(err.message).replaceAll("\n", "\n# ")}\n`;
  }
  try {
    const report = kubeward.scanChart(state.chart.files, chartOptions());
    state.chartResult = { report };
    setStatus(`rendered and scanned ${state.chart.name} in ${(performance.now() - started).toFixed(1)} ms`);
  } catch (err) {
    showPolicyErrors(err.errors ?? []);
    state.chartResult = { error: err };
    setStatus("policy error", true);
  }
  rendered.setMarkers(state.chartResult.report?.findings ?? []);
  if (state.mode === "chart") showResults(state.chartResult, rendered);
}

function showResults(result, editor) {
  const list = $("findings");
  const errors = $("errors");
  const summary = $("summary");
  $("results-title").textContent = state.mode === "chart" ? "Chart findings" : "Findings";
  editor.setBands("selected", []);
  if (!result) {
    summary.replaceChildren();
    errors.replaceChildren();
    const notice = document.createElement("li");
    notice.className = "notice";
    notice.textContent = "Load a chart to see its findings.";
    list.replaceChildren(notice);
    return;
  }
  if (result.error) {
    summary.replaceChildren();
    const entries = result.error.errors ?? [{ file: "", line: 0, column: 0, message: result.error.message }];
    errors.replaceChildren(...entries.map((e) => errorItem(e, () => { selectTab("tab-policy"); policy.reveal(e.line); })));
    list.replaceChildren();
    return;
  }
  const { report } = result;
  summary.replaceChildren(
    ...SEVERITIES.filter((s) => report.summary.bySeverity[s]).map((s) => {
      const chip = document.createElement("span");
      chip.className = `sev sev-${s}`;
      chip.textContent = `${report.summary.bySeverity[s]} ${s}`;
      return chip;
    }),
  );
  if (!report.findings.length && !report.errors.length) {
    const ok = document.createElement("span");
    ok.className = "muted";
    ok.textContent = `No findings in ${report.summary.resources} resource(s).`;
    summary.append(ok);
  }
  errors.replaceChildren(...report.errors.map((e) => errorItem(e, e.line ? () => editor.reveal(e.line) : null)));
  editor.setBands("error", report.errors.filter((e) => e.line > 0).map((e) => e.line));
  list.replaceChildren(...report.findings.map((f) => findingItem(f, editor)));
}

function findingItem(f, editor) {
  const li = document.createElement("li");
  li.className = `finding sev-${f.severity}`;
  li.tabIndex = 0;
  li.dataset.line = f.line;
  li.dataset.policy = f.policy;
  const where = f.template ? `line ${f.line} · ${f.template.file}:${f.template.line}` : `line ${f.line}`;
  const resource = `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ""}${f.resource.name}`;
  li.innerHTML = `<div class="head"><span class="sev sev-${f.severity}"></span><span class="title"></span><span class="where"></span></div>
    <p class="message"></p><div class="where resource"></div>`;
  li.querySelector(".sev").textContent = f.severity;
  li.querySelector(".title").textContent = `${f.policy} ${f.title}`;
  li.querySelector(".head .where").textContent = where;
  li.querySelector(".message").textContent = f.message;
  li.querySelector(".resource").textContent = `${resource}${f.container ? ` · container ${f.container}` : ""}${f.aliases.length ? ` · ${f.aliases.slice(0, 3).join(", ")}` : ""}`;
  const select = () => {
    for (const other of document.querySelectorAll(".finding.selected")) other.classList.remove("selected");
    li.classList.add("selected");
    if (state.mode === "policy") selectTab("tab-manifest");
    editor.reveal(f.line);
  };
  li.addEventListener("click", select);
  li.addEventListener("keydown", (e) => e.key === "Enter" && select());
  return li;
}

function selectTab(id) {
  for (const tab of document.querySelectorAll('[role="tab"]')) {
    const on = tab.id === id;
    tab.setAttribute("aria-selected", String(on));
    $(tab.dataset.panel).hidden = !on;
  }
  state.mode = id.slice(4);
  if (state.mode === "chart") showResults(state.chartResult, rendered);
  else showResults(state.manifestResult, manifest);
}

// --- Charts: a .tgz, or a folder (dropped or chosen) ---

/** The chart's own values.yaml from a .tgz, to show in the values editor (display only:
 * the package reads the archive itself). */
async function valuesInArchive(bytes) {
  try {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    const tar = new Uint8Array(await new Response(stream).arrayBuffer());
    const text = (from, to) => new TextDecoder().decode(tar.subarray(from, to)).replace(/\0.*$/s, "");
    for (let at = 0; at + 512 <= tar.length; ) {
      const name = text(at, at + 100);
      if (!name) break;
      const size = parseInt(text(at + 124, at + 136).trim() || "0", 8);
      const prefix = text(at + 345, at + 500);
      if (/^[^/]+\/values\.yaml$/.test(prefix ? `${prefix}/${name}` : name)) {
        return new TextDecoder().decode(tar.subarray(at + 512, at + 512 + size));
      }
      at += 512 + Math.ceil(size / 512) * 512;
    }
  } catch {
    // Not a gzip tar: the package reports it.
  }
  return "";
}

async function loadChart(name, files) {
  state.chart = { name, files };
  $("chart-name").textContent = `Chart: ${name}`;
  let chartValues = "";
  if (files instanceof Uint8Array) {
    chartValues = await valuesInArchive(files);
  } else {
    const v = files["values.yaml"];
    chartValues = v instanceof Uint8Array ? new TextDecoder().decode(v) : (v ?? "");
  }
  values.value = chartValues;
  selectTab("tab-chart");
  runChart();
}

async function filesFromList(fileList) {
  const files = {};
  for (const file of fileList) {
    const path = (file.webkitRelativePath || file.name).split("/").slice(1).join("/");
    if (path) files[path] = new Uint8Array(await file.arrayBuffer());
  }
  const name = (fileList[0]?.webkitRelativePath || "chart").split("/")[0];
  return { name, files };
}

async function readEntry(entry, prefix, files) {
  if (entry.isFile) {
    const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
    files[prefix + entry.name] = new Uint8Array(await file.arrayBuffer());
  } else if (entry.isDirectory) {
    const reader = entry.createReader();
    for (;;) {
      const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const child of batch) await readEntry(child, `${prefix}${entry.name}/`, files);
    }
  }
}

async function onDrop(event) {
  event.preventDefault();
  $("dropzone").classList.remove("over");
  const item = [...event.dataTransfer.items].find((i) => i.kind === "file");
  const entry = item?.webkitGetAsEntry?.();
  if (entry?.isDirectory) {
    const files = {};
    await readEntry(entry, "", files);
    const stripped = Object.fromEntries(Object.entries(files).map(([p, b]) => [p.slice(entry.name.length + 1), b]));
    await loadChart(entry.name, stripped);
  } else if (item) {
    const file = item.getAsFile();
    await loadChart(file.name.replace(/\.(tgz|tar\.gz)$/, ""), new Uint8Array(await file.arrayBuffer()));
  }
}

// --- State in the URL: #s=<deflate-raw, base64url JSON> ---

async function compress(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function decompress(data) {
  const binary = atob(data.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}

const saveUrl = debounce(async () => {
  const data = { m: manifest.value, p: state.packs, v: state.pssVersion };
  if (policy.value !== SAMPLE_POLICY) data.q = policy.value;
  const hash = `#s=${await compress(JSON.stringify(data))}`;
  if (hash.length < 64 * 1024) history.replaceState(null, "", hash);
}, 400);

async function loadUrl() {
  const match = location.hash.match(/^#s=([A-Za-z0-9_-]+)/);
  if (!match) return null;
  try {
    return JSON.parse(await decompress(match[1]));
  } catch {
    setStatus("the link's state could not be read", true);
    return null;
  }
}

// --- Start ---

async function main() {
  await init();
  $("version").textContent = `v${kubeward.version()}`;
  const saved = await loadUrl();
  if (saved) {
    state.packs = Array.isArray(saved.p) ? saved.p : state.packs;
    state.pssVersion = typeof saved.v === "string" ? saved.v : state.pssVersion;
  }

  const runManifestSoon = debounce(runManifest, 150);
  const runChartSoon = debounce(runChart, 250);
  manifest = new Editor($("manifest-editor"), { label: "Manifest", onInput: runManifestSoon });
  policy = new Editor($("policy-editor"), { label: "Custom policy", onInput: () => { runManifestSoon(); runChartSoon(); } });
  values = new Editor($("values-editor"), { label: "Values", onInput: runChartSoon });
  rendered = new Editor($("rendered-editor"), { label: "Rendered manifests", readOnly: true });
  manifest.value = typeof saved?.m === "string" ? saved.m : SAMPLE;
  policy.value = typeof saved?.q === "string" ? saved.q : SAMPLE_POLICY;

  const packs = [...new Set(kubeward.policies().flatMap((p) => p.packs))].sort();
  if (!packs.includes("default")) packs.unshift("default");
  $("packs").append(
    ...packs.map((name) => {
      const label = document.createElement("label");
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = name;
      box.checked = state.packs.includes(name);
      box.addEventListener("change", () => {
        state.packs = [...document.querySelectorAll("#packs input:checked")].map((b) => b.value);
        runManifest();
        runChart();
      });
      label.append(box, ` ${name}`);
      return label;
    }),
  );
  $("pss-version").append(...PSS_VERSIONS.map((v) => new Option(v, v, false, v === state.pssVersion)));
  $("pss-version").addEventListener("change", (e) => {
    state.pssVersion = e.target.value;
    runManifest();
    runChart();
  });

  for (const tab of document.querySelectorAll('[role="tab"]')) tab.addEventListener("click", () => selectTab(tab.id));
  $("sample").addEventListener("click", () => { manifest.value = SAMPLE; runManifest(); });
  $("clear").addEventListener("click", () => { manifest.value = ""; runManifest(); });
  $("share").addEventListener("click", async () => {
    await navigator.clipboard?.writeText(location.href).catch(() => {});
    setStatus("link copied");
  });
  $("chart-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (file) await loadChart(file.name.replace(/\.(tgz|tar\.gz)$/, ""), new Uint8Array(await file.arrayBuffer()));
  });
  $("chart-folder").addEventListener("change", async (e) => {
    if (e.target.files.length) {
      const { name, files } = await filesFromList(e.target.files);
      await loadChart(name, files);
    }
  });
  const zone = $("dropzone");
  zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", onDrop);

  runManifest();
  showResults(state.manifestResult, manifest);
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  setStatus(`failed to start: ${err.message}`, true);
  console.error(err);
});
