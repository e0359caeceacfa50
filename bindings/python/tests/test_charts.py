"""Helm charts: rendering and scanning with values, --set, release name and namespace."""

import io
import tarfile

import pytest

import kubeward
from conftest import CHART

pytestmark = pytest.mark.chart


def archive() -> bytes:
    """The test chart as `helm package` writes it: files under `web/` in a .tgz."""
    data = io.BytesIO()
    with tarfile.open(fileobj=data, mode="w:gz") as tar:
        for path in sorted(CHART.rglob("*")):
            if path.is_file():
                tar.add(path, arcname=f"web/{path.relative_to(CHART)}")
    return data.getvalue()


def test_render_chart_prints_what_helm_template_prints():
    text = kubeward.render_chart(CHART, release_name="shop", namespace="prod")
    assert "# Source: web/templates/deployment.yaml" in text
    assert "name: shop-web" in text and "namespace: prod" in text
    assert "privileged: true" in text


def test_values_and_set_change_the_output():
    text = kubeward.render_chart(
        str(CHART), values=[CHART / "prod-values.yaml"], set={"image.tag": "1.2"}
    )
    assert "replicas: 3" in text
    assert 'image: "nginx:1.2"' in text
    opts = kubeward.ChartOptions(values=[{"replicaCount": 5}], set=["image.tag=2.0"])
    text = kubeward.render_chart(CHART, opts)
    assert "replicas: 5" in text and 'image: "nginx:2.0"' in text


def test_render_chart_archive_equals_the_folder():
    assert kubeward.render_chart_archive(archive(), namespace="prod") == kubeward.render_chart(
        CHART, namespace="prod"
    )


def test_scan_a_chart_with_values_and_set():
    report = kubeward.scan_paths([CHART], release_name="web", namespace="prod")
    [f] = [f for f in report.findings if f.policy == "KW-SEC-001"]
    assert f.resource.kind == "Deployment" and f.resource.name == "web-web"
    assert f.resource.namespace == "prod"
    assert f.template is not None
    assert isinstance(f.template, kubeward.TemplateRef)
    assert (f.template.chart, f.template.file, f.template.line) == ("web", "templates/deployment.yaml", 20)
    assert "TemplateRef(" in repr(f.template)
    # The value came from values.yaml: its path and line are named.
    assert f.template.values is not None
    assert (f.template.values.path, f.template.values.file, f.template.values.line) == ("privileged", "values.yaml", 5)
    assert f.to_dict()["template"] == {
        "chart": "web",
        "file": "templates/deployment.yaml",
        "line": 20,
        "column": f.template.column,
        "values": {"path": "privileged", "file": "values.yaml", "line": 5},
    }
    fixed = kubeward.scan_paths(CHART, set={"privileged": False})
    assert not [f for f in fixed.findings if f.policy == "KW-SEC-001"]
