"""Results from Python equal the CLI's reports for the same input."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

import kubeward
from conftest import CHART, REPO


def cli() -> str:
    """The `kubeward` binary: $KUBEWARD_CLI, else built from the workspace with cargo."""
    given = os.environ.get("KUBEWARD_CLI")
    if given:
        return given
    if shutil.which("cargo") is None:
        pytest.skip("no kubeward CLI: set KUBEWARD_CLI or install cargo")
    subprocess.run(["cargo", "build", "--quiet", "-p", "kubeward-cli"], cwd=REPO, check=True)
    meta = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=REPO, check=True, capture_output=True, text=True,
    )
    return str(Path(json.loads(meta.stdout)["target_directory"]) / "debug" / "kubeward")


@pytest.fixture(scope="module")
def kubeward_cli() -> str:
    return cli()


def run(binary, *args, stdin=None):
    return subprocess.run(
        [binary, *args], cwd=REPO, input=stdin, capture_output=True, text=True, check=False
    )


def relative(path: Path) -> str:
    return os.path.relpath(path, REPO)


MANIFESTS = relative(Path(__file__).resolve().parent / "data" / "manifests")
CASES = [
    [MANIFESTS],
    ["examples"],
    [f"{MANIFESTS}/deploy.yaml", "examples/yaml-tricks.yaml"],
]


@pytest.mark.parametrize("paths", CASES, ids=lambda p: ",".join(p))
@pytest.mark.parametrize("fail_on", [None, "critical"])
def test_scan_paths_equals_the_cli_json_report(kubeward_cli, monkeypatch, paths, fail_on):
    monkeypatch.chdir(REPO)
    args = ["scan", "--format", "json", "--no-config", *paths]
    if fail_on:
        args += ["--fail-on", fail_on]
    out = run(kubeward_cli, *args)
    report = kubeward.scan_paths(paths, fail_on=fail_on)
    assert report.to_json() == out.stdout
    assert report.to_dict() == json.loads(out.stdout)
    assert report.exit_code == out.returncode


@pytest.mark.parametrize("fmt", ["junit", "text"])
def test_other_formats_equal_the_cli(kubeward_cli, monkeypatch, fmt):
    monkeypatch.chdir(REPO)
    out = run(kubeward_cli, "scan", "--format", fmt, "--no-config", "--color", "never", MANIFESTS)
    report = kubeward.scan_paths(MANIFESTS)
    rendered = report.to_junit() if fmt == "junit" else report.to_text()
    assert rendered == out.stdout


def test_scan_text_equals_the_cli_on_stdin(kubeward_cli):
    text = (REPO / "examples" / "web-deployment.yaml").read_text()
    out = run(kubeward_cli, "scan", "--format", "json", "--no-config", "-", stdin=text)
    assert kubeward.scan_text(text, filename="<stdin>").to_json() == out.stdout


def test_packs_and_policies_equal_the_cli(kubeward_cli, monkeypatch):
    monkeypatch.chdir(REPO)
    policy = relative(Path(__file__).resolve().parent / "data" / "policies" / "ACME-001.yaml")
    out = run(kubeward_cli, "scan", "--format", "json", "--no-config", "--pack", "pss-restricted",
              "--policy", policy, "--pss-version", "v1.25", "examples")
    report = kubeward.scan_paths(["examples"], packs=["pss-restricted"], policies=[policy],
                                 pss_version="v1.25")
    assert report.to_json() == out.stdout


def test_policies_equal_the_cli_list(kubeward_cli):
    out = run(kubeward_cli, "policies", "--format", "json")
    assert [p.to_dict() for p in kubeward.policies()] == json.loads(out.stdout)
    page = run(kubeward_cli, "policies", "KW-SEC-001")
    [sec1] = [p for p in kubeward.policies() if p.id == "KW-SEC-001"]
    assert sec1.docs == page.stdout


def test_decode_equals_the_cli(kubeward_cli):
    path = REPO / "examples" / "yaml-tricks.yaml"
    out = run(kubeward_cli, "decode", str(path))
    expected = [json.loads(line) for line in out.stdout.splitlines()]
    assert kubeward.decode(path.read_text()) == expected


@pytest.mark.chart
def test_chart_scan_equals_the_cli(kubeward_cli, monkeypatch):
    monkeypatch.chdir(REPO)
    chart = relative(CHART)
    out = run(kubeward_cli, "scan", "--format", "json", "--no-config", chart)
    assert kubeward.scan_paths(chart).to_json() == out.stdout
