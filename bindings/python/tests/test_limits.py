"""Resource limits from Python: a name→value map, checked by the library."""

import pytest

import kubeward


def test_a_limit_is_applied_and_named_in_the_error():
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '" + "x" * 5000 + "'}\n"
    assert not kubeward.scan_text(text).errors
    report = kubeward.scan_text(text, limits={"max-scalar-bytes": 1000})
    assert len(report.errors) == 1
    assert report.errors[0].message.endswith("(limit max-scalar-bytes=1000)")
    report = kubeward.Scanner(limits={"max-documents": 1}).scan_text("---\na: 1\n---\nb: 2\n")
    assert any("(limit max-documents=1)" in e.message for e in report.errors)


def test_an_unknown_limit_is_an_error():
    with pytest.raises(kubeward.PolicyError, match="unknown limit `max-kees`"):
        kubeward.Scanner(limits={"max-kees": 1})


def test_render_chart_applies_its_limits():
    from conftest import CHART
    from test_charts import archive

    # The chart renders with the defaults; with 64 bytes of output allowed it cannot.
    assert kubeward.render_chart(CHART)
    with pytest.raises(kubeward.ChartError, match=r"\(limit max-render-bytes=64\)"):
        kubeward.render_chart(CHART, limits={"max-render-bytes": 64})
    with pytest.raises(kubeward.ChartError, match=r"\(limit max-render-bytes=64\)"):
        kubeward.render_chart_archive(archive(), limits={"max-render-bytes": 64})
    # The chart limits apply to loading, for a folder and an archive.
    with pytest.raises(kubeward.ChartError, match=r"\(limit max-chart-files=1\)"):
        kubeward.render_chart(CHART, limits={"max-chart-files": 1})
    with pytest.raises(kubeward.ChartError, match=r"\(limit max-chart-bytes=100\)"):
        kubeward.render_chart_archive(archive(), limits={"max-chart-bytes": 100})
    # Limits and chart options together.
    text = kubeward.render_chart(CHART, namespace="prod", limits={"max-render-bytes": 1 << 20})
    assert "namespace: prod" in text
    with pytest.raises(kubeward.ChartError, match="unknown limit `max-kees`"):
        kubeward.render_chart(CHART, limits={"max-kees": 1})


def test_an_archive_over_the_chart_limit_is_refused_before_it_is_read(tmp_path):
    from test_charts import archive

    path = tmp_path / "web-0.1.0.tgz"
    path.write_bytes(archive())
    assert "# Source: web/templates/deployment.yaml" in kubeward.render_chart(path)
    with pytest.raises(kubeward.ChartError, match=r"chart archive of \d+ bytes .*\(limit max-chart-bytes=100\)"):
        kubeward.render_chart(path, limits={"max-chart-bytes": 100})
