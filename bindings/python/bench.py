#!/usr/bin/env python3
"""Scans a manifest corpus from Python and with the CLI, in the same run, and compares.

Usage (from the repository root, with the module installed, e.g. by scripts/test-python):

    python bindings/python/bench.py [CORPUS] [--runs N] [--cli PATH]

CORPUS defaults to ../shared/corpus/rendered-charts (11 MB of rendered Helm charts). The CLI
defaults to $KUBEWARD_CLI, else a release build from this workspace (built if needed). Each
run does the whole job on both sides: compile the policies, read and decode every file,
evaluate, and write the JSON report (the CLI to /dev/null). Runs alternate between the two
so that both see the same machine load; the best and median times are shown, and the
Python report is checked to equal the CLI's.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import kubeward

REPO = Path(__file__).resolve().parent.parent.parent


def release_cli() -> str:
    given = os.environ.get("KUBEWARD_CLI")
    if given:
        return given
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "kubeward-cli"], cwd=REPO, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    return str(Path(json.loads(meta.stdout)["target_directory"]) / "release" / "kubeward")


def run_cli(cli: str, corpus: Path) -> float:
    start = time.perf_counter()
    with open(os.devnull, "w") as sink:
        status = subprocess.run(
            [cli, "scan", "--format", "json", "--no-config", str(corpus)], stdout=sink, check=False
        ).returncode
    elapsed = time.perf_counter() - start
    if status not in (0, 1):
        sys.exit(f"the CLI failed with exit status {status}")
    return elapsed


def run_python(corpus: Path) -> float:
    start = time.perf_counter()
    report = kubeward.Scanner().scan_paths(corpus)
    report.to_json()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=str(REPO.parent / "shared" / "corpus" / "rendered-charts"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cli", default=None)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"no corpus at {corpus}: give its path")
    cli = args.cli or release_cli()

    files = [p for p in corpus.rglob("*") if p.suffix in (".yaml", ".yml", ".json")]
    size = sum(p.stat().st_size for p in files)
    expected = subprocess.run(
        [cli, "scan", "--format", "json", "--no-config", str(corpus)], capture_output=True, text=True, check=False
    ).stdout
    report = kubeward.scan_paths(corpus)
    same = report.to_json() == expected
    print(f"corpus: {corpus} ({len(files)} files, {size / 1e6:.1f} MB, "
          f"{report.summary['resources']} resources, {len(report.findings)} findings)")
    print(f"Python report equals the CLI's JSON report: {same}")

    cli_times, py_times = [], []
    for _ in range(args.runs):
        cli_times.append(run_cli(cli, corpus))
        py_times.append(run_python(corpus))

    # Without compiling the policies each time (a Scanner reused across scans).
    scanner = kubeward.Scanner()
    reused = []
    for _ in range(args.runs):
        start = time.perf_counter()
        scanner.scan_paths(corpus).to_json()
        reused.append(time.perf_counter() - start)
    # Building every Finding object as well.
    with_objects = []
    for _ in range(args.runs):
        start = time.perf_counter()
        found = scanner.scan_paths(corpus).findings
        _ = [(f.policy, f.file, f.line) for f in found]
        with_objects.append(time.perf_counter() - start)

    def show(name: str, times: list) -> None:
        print(f"{name:<44} best {min(times):6.3f} s   median {statistics.median(times):6.3f} s")

    print(f"runs: {args.runs}, cores: {os.cpu_count()}")
    show("CLI (kubeward scan --format json)", cli_times)
    show("Python (Scanner() + scan_paths + to_json)", py_times)
    show("Python, Scanner reused", reused)
    show("Python, Scanner reused, Finding objects", with_objects)
    ratio_best = min(py_times) / min(cli_times)
    ratio_median = statistics.median(py_times) / statistics.median(cli_times)
    print(f"Python / CLI: best {ratio_best:.3f}, median {ratio_median:.3f} "
          f"(target: at most 1.10)")
    if not same:
        sys.exit("the Python report differs from the CLI's")


if __name__ == "__main__":
    main()
