"""The Python examples of the READMEs run as written.

Each ```python block runs in a fresh folder holding what the examples name: `k8s/` (a
Deployment), `charts/web` (a chart) and `prod-values.yaml`. A block preceded by
`<!-- test: chart -->` renders a chart (marked `chart`).
"""

import re
import shutil
from pathlib import Path

import pytest

from conftest import CHART, MANIFESTS, PACKAGE, REPO

READMES = [PACKAGE / "README.md", REPO / "README.md"]
BLOCK = re.compile(r"(<!-- test: (?P<tag>\w+) -->\s*\n)?```python\n(?P<code>.*?)```", re.S)


def blocks():
    for readme in READMES:
        text = readme.read_text()
        for match in BLOCK.finditer(text):
            line = text[: match.start("code")].count("\n") + 1
            marks = [pytest.mark.chart] if match.group("tag") == "chart" else []
            name = f"{readme.relative_to(REPO)}:{line}"
            yield pytest.param(readme, line, match.group("code"), id=name, marks=marks)


def test_the_readmes_have_python_examples():
    found = list(blocks())
    assert len([b for b in found if b.values[0] == READMES[0]]) >= 6
    assert [b for b in found if b.values[0] == READMES[1]], "the root README has a Python section"


@pytest.mark.parametrize("readme,line,code", list(blocks()))
def test_readme_example(tmp_path, monkeypatch, capsys, readme, line, code):
    (tmp_path / "k8s").mkdir()
    shutil.copy(MANIFESTS / "deploy.yaml", tmp_path / "k8s" / "deploy.yaml")
    shutil.copytree(CHART, tmp_path / "charts" / "web")
    shutil.copy(CHART / "prod-values.yaml", tmp_path / "prod-values.yaml")
    monkeypatch.chdir(tmp_path)
    # Line numbers in tracebacks point into the README.
    compiled = compile("\n" * (line - 1) + code, str(readme), "exec")
    exec(compiled, {"__name__": "__readme__"})
