"""Times kubeward and the peer scanners on the same inputs; run by benches/compare.sh.

Every (tool, input) pair runs RUNS times, the tools taking turns within each repetition so
that machine noise hits all alike. Each run is measured by GNU time: wall time, CPU time
(user + system, children included) and peak resident memory. Medians are reported, with
the ratios of each peer's median wall and CPU times to kubeward's.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys


def sh(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def first_version(text):
    m = re.search(r"v?\d+\.\d+\.\d+", text)
    return m.group(0) if m else (text.splitlines() or ["?"])[0]


def charts_under(root):
    found = []
    if os.path.isfile(os.path.join(root, "Chart.yaml")):
        return [root]
    for d, subdirs, files in os.walk(root):
        if "Chart.yaml" in files and os.path.isdir(os.path.join(d, "templates")):
            found.append(d)
            subdirs[:] = []
    return sorted(found)


def split_documents(corpus, small, large):
    """Writes every document of the corpus to its own file under `small`, and all of them
    into one multi-document file `large`. Returns (files, documents, bytes)."""
    count = 0
    with open(large, "w", encoding="utf-8") as big:
        for name in sorted(os.listdir(corpus)):
            if not name.endswith((".yaml", ".yml")):
                continue
            with open(os.path.join(corpus, name), encoding="utf-8", errors="replace") as f:
                text = f.read()
            stem = name.rsplit(".", 1)[0]
            docs = re.split(r"(?m)^---[ \t]*$\n?", text)
            folder = os.path.join(small, stem)
            os.makedirs(folder, exist_ok=True)
            for i, doc in enumerate(docs):
                body = "\n".join(
                    line for line in doc.splitlines() if not line.startswith("#")
                ).strip()
                if not body:
                    continue
                with open(os.path.join(folder, f"{i:04d}.yaml"), "w", encoding="utf-8") as out:
                    out.write(doc)
                big.write("---\n")
                big.write(doc if doc.endswith("\n") else doc + "\n")
                count += 1
    files = sum(len(fs) for _, _, fs in os.walk(small))
    return files, count, os.path.getsize(large)


def yaml_files(folder):
    out = []
    for d, subdirs, files in os.walk(folder):
        subdirs.sort()
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith((".yaml", ".yml"))]
    return out


class Tool:
    """A scanner: how to run it on each kind of input, and which exit codes mean success."""

    def __init__(self, name, ok, commands, version, note=""):
        self.name, self.ok, self.commands, self.version, self.note = name, ok, commands, version, note


def tools(args, kubeward):
    b = lambda n: os.path.join(args.bin, n)
    have = lambda n: os.access(b(n), os.X_OK)
    out = []
    kw = lambda path, o: [kubeward, "scan", "--no-config", "--format", "json", "-o", o, path]
    out.append(Tool("kubeward", {0, 1},
                    {"folder": kw, "file": kw, "corpus": kw, "chart": kw},
                    first_version(sh([kubeward, "--version"])),
                    "default packs, JSON report"))
    if have("checkov"):
        ck = [b("checkov"), "--quiet", "--compact", "--skip-download", "-o", "json"]
        out.append(Tool("checkov", {0, 1}, {
            "folder": lambda p, o: ["sh", "-c", 'exec "$@" >"$0"', o, *ck, "--framework", "kubernetes", "-d", p],
            "file": lambda p, o: ["sh", "-c", 'exec "$@" >"$0"', o, *ck, "--framework", "kubernetes", "-f", p],
            "corpus": lambda p, o: ["sh", "-c", 'exec "$@" >"$0"', o, *ck, "--framework", "kubernetes", "-d", p],
            "chart": lambda p, o: ["sh", "-c", 'exec "$@" >"$0"', o, *ck, "--framework", "helm", "-d", p],
        }, first_version(sh([b("checkov"), "--version"])),
            "`--framework kubernetes` (`helm` for charts, rendering with helm 3.17.3)"))
    if have("trivy"):
        tv = [b("trivy"), "config", "--quiet", "--skip-check-update", "--format", "json"]
        t = lambda p, o: tv + ["-o", o, p]
        out.append(Tool("trivy", {0}, {"folder": t, "file": t, "corpus": t, "chart": t},
                        os.environ.get("TRIVY_VERSION") or first_version(sh([b("trivy"), "--version"])),
                        "`trivy config`, embedded checks, offline"))
    if have("kube-score"):
        ks = lambda p, o: ["sh", "-c", 'exec "$@" >"$0"', o, b("kube-score"), "score",
                           "-o", "json", *(yaml_files(p) if os.path.isdir(p) else [p])]
        out.append(Tool("kube-score", {0, 1}, {"folder": ks, "file": ks, "corpus": ks},
                        os.environ.get("KUBE_SCORE_VERSION") or first_version(sh([b("kube-score"), "version"])),
                        "files as arguments; no Helm support"))
    if have("kubesec"):
        # kubesec scans one file per run: the files of a folder are piped into one run, as
        # `---`-separated documents. It validates against Kubernetes JSON schemas downloaded
        # at run time (from GitHub, not reachable here): it gets an always-true local schema.
        schema = os.path.join(args.scratch, "permissive.json")
        with open(schema, "w") as f:
            f.write("{}\n")
        one = lambda p, o: ["sh", "-c", 'exec "$@" >"$0"', o, b("kubesec"), "scan",
                            "--schema-location", schema, p]
        each = lambda p, o: ["sh", "-c",
                             'k=$0 s=$1 o=$2; shift 2; for f; do cat "$f"; echo ---; done | "$k" scan --schema-location "$s" - >"$o"',
                             b("kubesec"), schema, o, *yaml_files(p)]
        out.append(Tool("kubesec", {0, 2}, {"folder": each, "file": one, "corpus": each},
                        os.environ.get("KUBESEC_VERSION", "?"),
                        "folders piped into one run; schema validation off (its schemas are fetched at run time); no Helm support"))
    return out


def measure(cmd, out_file, scratch):
    stats = os.path.join(scratch, "time.txt")
    try:
        r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", stats] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                           timeout=3600)
    except subprocess.TimeoutExpired:
        return None, "timed out after an hour"
    try:
        with open(stats) as f:
            line = f.read().strip().splitlines()[-1]
        wall, user, system, rss = line.split()
    except (OSError, ValueError, IndexError):
        return None, r.stderr[-300:]
    size = os.path.getsize(out_file) if os.path.exists(out_file) else 0
    return {"code": r.returncode, "wall": float(wall), "cpu": float(user) + float(system),
            "rss": int(rss) / 1024, "out": size, "err": r.stderr[-300:]}, None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--corpus", required=True)
    p.add_argument("--scratch", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--kubeward", required=True)
    p.add_argument("--failures", required=True)
    p.add_argument("--only", default="")
    p.add_argument("--write", type=int, default=1)
    p.add_argument("--doc", required=True)
    p.add_argument("charts", nargs="*")
    args = p.parse_args()

    small = os.path.join(args.scratch, "small")
    large = os.path.join(args.scratch, "large.yaml")
    n_files, n_docs, n_bytes = split_documents(args.corpus, small, large)
    corpus_files = len(yaml_files(args.corpus))
    inputs = [
        ("folder", small, f"many small files: {n_files} files, one document each ({n_bytes / 1e6:.1f} MB)"),
        ("file", large, f"one large file: {n_docs} documents ({n_bytes / 1e6:.1f} MB)"),
        ("corpus", args.corpus, f"rendered charts: {corpus_files} files, one chart each ({sum(os.path.getsize(f) for f in yaml_files(args.corpus)) / 1e6:.1f} MB)"),
    ]
    charts = [c for root in args.charts if os.path.isdir(root) for c in charts_under(root)]
    skipped = [root for root in args.charts if not os.path.isdir(root)]
    for root in skipped:
        print(f"compare.py: no chart folder {root}: skipped", file=sys.stderr)

    all_tools = tools(args, args.kubeward)
    if args.only:
        wanted = set(args.only.split(",")) | {"kubeward"}
        all_tools = [t for t in all_tools if t.name in wanted]
    load = os.getloadavg()
    results = {}  # (tool, input) -> list of runs
    problems = {}
    for rep in range(args.runs):
        for kind, path, _ in inputs:
            for t in all_tools:
                cmd = t.commands.get(kind)
                if cmd is None or problems.get((t.name, kind)):
                    continue
                out = os.path.join(args.scratch, f"out-{t.name}")
                m, err = measure(cmd(path, out), out, args.scratch)
                if m is None or m["code"] not in t.ok or m["out"] == 0:
                    problems[(t.name, kind)] = err or f"exit {m['code']}: {m['err'].strip()}"
                    continue
                results.setdefault((t.name, kind), []).append(m)
                print(f"run {rep + 1}/{args.runs} {kind:7} {t.name:11} {m['wall']:8.2f} s "
                      f"cpu {m['cpu']:8.2f} s  {m['rss']:7.0f} MB", file=sys.stderr)
        # Charts: one process per chart, the sum over the charts.
        for t in all_tools:
            cmd = t.commands.get("chart")
            if cmd is None or not charts or problems.get((t.name, "chart")):
                continue
            total = {"wall": 0.0, "cpu": 0.0, "rss": 0.0}
            for c in charts:
                out = os.path.join(args.scratch, f"out-{t.name}")
                m, err = measure(cmd(c, out), out, args.scratch)
                if m is None or m["code"] not in t.ok or m["out"] == 0:
                    problems[(t.name, "chart")] = f"{os.path.basename(c)}: " + (
                        err or f"exit {m['code']}: {m['err'].strip()}")
                    break
                total["wall"] += m["wall"]
                total["cpu"] += m["cpu"]
                total["rss"] = max(total["rss"], m["rss"])
            else:
                results.setdefault((t.name, "chart"), []).append(total)
                print(f"run {rep + 1}/{args.runs} charts  {t.name:11} {total['wall']:8.2f} s",
                      file=sys.stderr)
    if charts:
        names = ", ".join(sorted({os.path.basename(c) for c in charts}))
        inputs.append(("chart", None, f"{len(charts)} Helm charts, rendered by the tool itself, one process per chart ({names})"))

    med = lambda runs, k: statistics.median(r[k] for r in runs)
    lines = []
    for kind, _, label in inputs:
        base = results.get(("kubeward", kind))
        lines.append(f"\n**{label}**\n")
        lines.append("| tool | wall (median) | CPU user+sys | peak RSS | wall vs kubeward | CPU vs kubeward |")
        lines.append("|---|---:|---:|---:|---:|---:|")
        for t in all_tools:
            runs = results.get((t.name, kind))
            if not runs:
                if kind in t.commands and (t.name, kind) in problems:
                    lines.append(f"| {t.name} | failed: {problems[(t.name, kind)][:160]} | | | | |")
                continue
            ratio = lambda k: "1" if t.name == "kubeward" else (
                f"{med(runs, k) / max(med(base, k), 0.01):.1f}×" if base else "-")
            lines.append(f"| {t.name} | {med(runs, 'wall'):.2f} s | {med(runs, 'cpu'):.2f} s | "
                         f"{med(runs, 'rss'):.0f} MB | {ratio('wall')} | {ratio('cpu')} |")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) // 1024 // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    head = [
        f"Measured {datetime.date.today().isoformat()} by `benches/compare.sh --runs {args.runs}`: "
        f"{os.cpu_count()} CPUs ({cpu}), {mem} GiB RAM, {platform.system()} {platform.release()}, "
        f"load average {load[0]:.1f} at the start (other work was running: absolute times are "
        "noisy, the ratios come from the same run).",
        "",
        "| tool | version | how it was run |",
        "|---|---|---|",
    ] + [f"| {t.name} | {t.version} | {t.note} |" for t in all_tools]
    body = "\n".join(head + lines)
    failures = open(args.failures).read().strip() if os.path.exists(args.failures) else ""
    if failures:
        body += "\n\nPeers that could not be installed here (last lines of the build output):\n\n```\n" + failures + "\n```"
    print(body)
    if args.write:
        doc = open(args.doc).read()
        begin, end = "<!-- RESULTS:BEGIN -->", "<!-- RESULTS:END -->"
        if begin in doc and end in doc:
            doc = doc.split(begin)[0] + begin + "\n" + body + "\n" + end + doc.split(end, 1)[1]
            with open(args.doc, "w") as f:
                f.write(doc)
            print(f"compare.py: results written to {args.doc}", file=sys.stderr)


if __name__ == "__main__":
    main()
