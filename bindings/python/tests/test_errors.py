"""Error paths: exceptions for what the caller got wrong, report entries for bad input."""

import pytest

import kubeward
from conftest import BROKEN_CHART, CHART, MANIFESTS, POLICIES

INVALID_POLICY = (POLICIES / "invalid.yaml.txt").read_text()


def test_exception_hierarchy():
    for cls in (kubeward.PolicyError, kubeward.ChartError, kubeward.InputError):
        assert issubclass(cls, kubeward.KubewardError)
        assert cls.__module__ == "kubeward"
    assert issubclass(kubeward.KubewardError, Exception)
    e = kubeward.KubewardError("boom")
    assert e.errors == [] and str(e) == "boom"


def test_invalid_policy_names_file_line_and_column():
    with pytest.raises(kubeward.PolicyError) as caught:
        kubeward.load_policies(INVALID_POLICY)
    [entry] = caught.value.errors
    assert isinstance(entry, kubeward.ErrorEntry)
    assert (entry.file, entry.line, entry.column) == ("<policy 0>", 3, 11)
    assert "extreme" in entry.message
    assert entry.location == "<policy 0>:3:11"
    assert str(caught.value).startswith("<policy 0>:3:11: ")
    assert str(entry) == str(caught.value)
    assert entry.to_dict() == {"file": "<policy 0>", "line": 3, "column": 11, "message": entry.message}
    assert "ErrorEntry(" in repr(entry)


def test_invalid_policy_in_a_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(INVALID_POLICY)
    with pytest.raises(kubeward.PolicyError) as caught:
        kubeward.Scanner(policies=[bad])
    assert caught.value.errors[0].location.endswith("bad.yaml:3:11")
    with pytest.raises(kubeward.PolicyError):
        kubeward.scan_text("kind: Pod\n", policies=str(bad))


def test_every_invalid_policy_is_reported_at_once(tmp_path):
    (tmp_path / "a.yaml").write_text(INVALID_POLICY)
    (tmp_path / "b.yaml").write_text(INVALID_POLICY.replace("BAD-001", "BAD-002"))
    with pytest.raises(kubeward.PolicyError) as caught:
        kubeward.load_policies(tmp_path)
    assert len(caught.value.errors) == 2
    assert str(caught.value).startswith("2 errors:")


def test_invalid_options_are_policy_errors():
    with pytest.raises(kubeward.PolicyError, match="unknown pack"):
        kubeward.Scanner(packs=["no-such-pack"])
    with pytest.raises(kubeward.PolicyError, match="Pod Security Standards version"):
        kubeward.Scanner(pss_version="2.0")
    with pytest.raises(kubeward.PolicyError, match="not a severity"):
        kubeward.Scanner(fail_on="extreme")
    with pytest.raises(kubeward.PolicyError, match="no loaded policy declares it"):
        kubeward.Scanner(parameters={"noSuchParameter": 1})


def test_missing_paths_are_input_errors(tmp_path):
    missing = tmp_path / "missing.yaml"
    with pytest.raises(kubeward.InputError) as caught:
        kubeward.scan_paths([MANIFESTS / "deploy.yaml", missing])
    assert "missing.yaml" in str(caught.value)
    assert caught.value.errors[0].line == 0
    with pytest.raises(kubeward.InputError):
        kubeward.load_policies(missing)
    with pytest.raises(kubeward.InputError):
        kubeward.Scanner(policies=[missing])
    with pytest.raises(kubeward.InputError):
        kubeward.Scanner(config=missing)
    with pytest.raises(kubeward.InputError):
        kubeward.render_chart(tmp_path / "no-chart")
    with pytest.raises(kubeward.InputError):
        kubeward.scan_paths(CHART, values=[missing])


def test_unreadable_file_inside_a_folder_is_a_report_error(tmp_path):
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00not text")
    report = kubeward.scan_paths(tmp_path)
    assert report.summary["files"] == 2
    assert [e.file for e in report.errors] == [f"{tmp_path}/binary.yaml"]
    assert report.exit_code == 2


def test_broken_yaml_in_the_middle_of_a_multi_document_file():
    report = kubeward.scan_paths(MANIFESTS / "multi.yaml")
    [error] = report.errors
    assert error.file.endswith("multi.yaml")
    assert error.line >= 10 and error.column >= 1
    assert report.exit_code == 2
    # The documents before and after the broken one are still scanned.
    names = {f.resource.name for f in report.findings}
    assert {"first", "last"} <= names
    assert report.summary["resources"] == 2


def test_broken_yaml_from_text_and_decode():
    text = (MANIFESTS / "multi.yaml").read_text()
    report = kubeward.scan_text(text, filename="multi.yaml")
    assert [e.file for e in report.errors] == ["multi.yaml"]
    assert report.exit_code == 2
    with pytest.raises(kubeward.InputError) as caught:
        kubeward.decode(text, filename="multi.yaml")
    assert caught.value.errors[0].location.startswith("multi.yaml:")
    assert [d["metadata"]["name"] for d in caught.value.documents] == ["first", "last"]


def test_findings_are_never_exceptions():
    report = kubeward.scan_paths(MANIFESTS / "deploy.yaml")
    assert report.findings and report.exit_code == 1


def test_chart_and_options_together_is_a_type_error():
    with pytest.raises(TypeError):
        kubeward.render_chart(CHART, kubeward.ChartOptions(), namespace="x")


def test_invalid_archive_is_a_chart_error():
    with pytest.raises(kubeward.ChartError) as caught:
        kubeward.render_chart_archive(b"not a tgz")
    assert caught.value.errors[0].file == "<archive>"


@pytest.mark.chart
def test_chart_render_error_names_the_template():
    with pytest.raises(kubeward.ChartError) as caught:
        kubeward.render_chart(BROKEN_CHART)
    assert "value is required" in str(caught.value)
    assert "templates/bad.yaml" in caught.value.errors[0].file


@pytest.mark.chart
def test_chart_render_error_in_a_scan_is_a_report_error():
    report = kubeward.scan_paths([BROKEN_CHART, MANIFESTS / "deploy.yaml"])
    assert any("value is required" in e.message for e in report.errors)
    assert report.findings and report.exit_code == 2
