"""Builds the seed corpora of the fuzz targets from the repository's test data.

Usage: python3 fuzz/seeds.py REPO_ROOT OUT_DIR

Writes OUT_DIR/<target>/<name> files (small and reproducible; nothing here is committed).
Packaged charts are made with `tar` and `gzip`.
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def put(out: Path, target: str, data: bytes) -> None:
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def chart_dirs(root: Path):
    """Every folder holding a Chart.yaml under tests/charts (subcharts included)."""
    for chart_yaml in sorted((root / "tests" / "charts").rglob("Chart.yaml")):
        yield chart_yaml.parent


def chart_text(chart: Path) -> bytes:
    """A chart folder in the `@@ PATH` text form the chart_load target reads."""
    parts = []
    for f in sorted(p for p in chart.rglob("*") if p.is_file()):
        rel = f.relative_to(chart).as_posix()
        data = f.read_bytes()
        if not data.endswith(b"\n"):
            data += b"\n"
        parts.append(b"@@ " + rel.encode() + b"\n" + data)
    return b"".join(parts)


def chart_tgz(chart: Path) -> bytes:
    """`helm package`-like archive: everything under `<name>/`, reproducible."""
    with tempfile.TemporaryDirectory() as tmp:
        tar_path = Path(tmp) / "chart.tar"
        subprocess.run(
            ["tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner",
             "-cf", str(tar_path), "-C", str(chart.parent), chart.name],
            check=True,
        )
        return subprocess.run(["gzip", "-9n", "-c", str(tar_path)], check=True,
                              stdout=subprocess.PIPE).stdout


def main() -> None:
    root, out = Path(sys.argv[1]), Path(sys.argv[2])
    yaml_files = sorted((root / "tests" / "k8s-yaml").glob("*.yaml"))
    yaml_files += sorted((root / "examples").glob("*.yaml"))
    yaml_files += sorted((root / "tests" / "charts").glob("*.golden/*.yaml"))
    policy_files = sorted(p for p in (root / "policies").rglob("*.yaml"))

    for f in yaml_files:
        put(out, "yaml_decode", f.read_bytes())
        put(out, "scan", f.read_bytes())
    for f in policy_files:
        put(out, "policy_load", f.read_bytes())
        put(out, "yaml_decode", f.read_bytes())

    for cases in sorted((root / "tests" / "helm-cases").glob("*.json")):
        for case in json.loads(cases.read_text()):
            if isinstance(case, dict) and isinstance(case.get("template"), str):
                put(out, "template", case["template"].encode())
    for chart in chart_dirs(root):
        for f in sorted((chart / "templates").rglob("*")):
            if f.is_file():
                put(out, "template", f.read_bytes())
        for f in sorted(chart.glob("values*.yaml")):
            put(out, "yaml_decode", f.read_bytes())
        put(out, "chart_load", chart_text(chart))
        put(out, "chart_load", chart_tgz(chart))
        # Each template alone in a minimal chart.
        for f in sorted((chart / "templates").glob("*.yaml")):
            put(out, "chart_load", b"@@ templates/" + f.name.encode() + b"\n" + f.read_bytes())


if __name__ == "__main__":
    main()
