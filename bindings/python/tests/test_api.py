"""Every public name of the module, on plain manifests."""

import inspect
import json
import os
import pathlib

import pytest

import kubeward
from conftest import MANIFESTS, POLICIES

PRIVILEGED_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: yes
"""

PUBLIC = {
    "ChartError", "ChartOptions", "ErrorEntry", "Finding", "InputError", "KubewardError",
    "PolicyError", "PolicyInfo", "PolicySet", "Report", "Resource", "Scanner", "Suppressed",
    "TemplateRef", "ValuesRef", "__version__", "decode", "load_policies", "policies", "render_chart",
    "render_chart_archive", "scan_paths", "scan_text",
}


def privileged(report):
    return [f for f in report.findings if "pss:privileged" in f.aliases]


def test_all_lists_exactly_the_public_names():
    assert set(kubeward.__all__) == PUBLIC
    for name in PUBLIC:
        assert hasattr(kubeward, name), name


def test_every_public_name_has_a_docstring():
    assert kubeward.__doc__ and "scan_text" in kubeward.__doc__
    for name in PUBLIC - {"__version__"}:
        obj = getattr(kubeward, name)
        assert inspect.getdoc(obj), name
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_"):
                    assert inspect.getdoc(member), f"{name}.{attr}"


def test_help_is_useful():
    text = inspect.getdoc(kubeward)
    for name in ("scan_paths", "Scanner", "render_chart", "decode", "KubewardError"):
        assert name in text


def test_version_is_the_crate_version():
    assert kubeward.__version__.count(".") == 2
    report = kubeward.scan_text(PRIVILEGED_POD)
    assert json.loads(report.to_json())["tool"]["version"] == kubeward.__version__


def test_stubs_and_py_typed_ship_with_the_package():
    folder = pathlib.Path(kubeward.__file__).parent
    assert (folder / "py.typed").exists()
    stubs = (folder / "__init__.pyi").read_text()
    for name in PUBLIC:
        assert name in stubs, name


def test_scan_text_finding_fields():
    report = kubeward.scan_text(PRIVILEGED_POD, filename="pod.yaml")
    assert isinstance(report, kubeward.Report)
    [f] = privileged(report)
    assert isinstance(f, kubeward.Finding)
    assert f.policy == "KW-SEC-001"
    assert f.severity == "critical"
    assert f.title == "Container runs privileged"
    assert "privileged" in f.message
    assert "CKV_K8S_16" in f.aliases
    assert (f.file, f.line, f.column, f.end_line, f.end_column) == ("pod.yaml", 9, 7, 9, 22)
    assert f.path == "/spec/containers/0/securityContext/privileged"
    assert f.container == "app"
    assert f.template is None
    r = f.resource
    assert isinstance(r, kubeward.Resource)
    assert (r.api_version, r.kind, r.namespace, r.name, r.document) == ("v1", "Pod", "prod", "web", 0)
    assert r.to_dict() == {"apiVersion": "v1", "kind": "Pod", "namespace": "prod", "name": "web", "document": 0}
    assert "Resource(" in repr(r) and 'namespace="prod"' in repr(r)
    as_dict = f.to_dict()
    assert as_dict["endColumn"] == 22 and as_dict["resource"]["kind"] == "Pod"
    assert "template" not in as_dict
    assert "KW-SEC-001" in repr(f)
    assert f == privileged(kubeward.scan_text(PRIVILEGED_POD, filename="pod.yaml"))[0]


def test_report_fields_and_formats():
    report = kubeward.scan_text(PRIVILEGED_POD, filename="pod.yaml")
    assert report.exit_code == 1
    assert report.errors == [] and report.suppressed == [] and isinstance(report.warnings, list)
    summary = report.summary
    assert summary["files"] == 1 and summary["resources"] == 1
    assert summary["findings"] == len(report.findings)
    assert summary["bySeverity"]["critical"] >= 1
    doc = json.loads(report.to_json())
    assert list(doc) == ["version", "tool", "findings", "suppressed", "errors", "summary"]
    assert doc == report.to_dict()
    assert doc["findings"] == [f.to_dict() for f in report.findings]
    sarif = json.loads(report.to_sarif())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert report.to_junit().startswith("<?xml")
    assert "KW-SEC-001" in report.to_text() and "pod.yaml:9:7" in report.to_text()
    assert "exit_code=1" in repr(report)
    # The findings list is a fresh list each time (mutating it changes nothing).
    report.findings.clear()
    assert report.findings


def test_fail_on_decides_the_exit_code():
    assert kubeward.scan_text(PRIVILEGED_POD, fail_on="never").exit_code == 0
    assert kubeward.scan_text(PRIVILEGED_POD, fail_on="critical").exit_code == 1
    clean = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    assert kubeward.scan_text(clean).exit_code == 0


def test_packs_and_pss_version():
    none = kubeward.scan_text(PRIVILEGED_POD, packs=["none"])
    assert none.findings == [] and none.exit_code == 0
    restricted = kubeward.scan_text(PRIVILEGED_POD, packs=["pss-restricted"], pss_version="v1.25")
    assert len(restricted.findings) > len(privileged(restricted))


def test_suppressed_findings_stay_in_the_report():
    report = kubeward.scan_paths(MANIFESTS / "suppressed.yaml")
    [s] = [s for s in report.suppressed if s.finding.policy == "KW-SEC-001"]
    assert isinstance(s, kubeward.Suppressed)
    assert s.reason == "debug pod, deleted after use"
    assert "annotation" in s.suppressed_by
    assert s.to_dict()["reason"] == s.reason
    assert "KW-SEC-001" in repr(s)
    assert not privileged(report)


def test_scan_paths_takes_one_path_a_list_or_path_objects():
    one = kubeward.scan_paths(str(MANIFESTS / "deploy.yaml"))
    listed = kubeward.scan_paths([MANIFESTS / "deploy.yaml"])
    assert one.to_json() == listed.to_json()
    folder = kubeward.scan_paths([MANIFESTS])
    assert folder.summary["files"] == len(list(MANIFESTS.glob("*.yaml")))


def test_scanner_compiles_once_and_scans_many_inputs():
    scanner = kubeward.Scanner(packs=["pss-baseline"], fail_on="high")
    assert "Scanner(" in repr(scanner)
    ids = {p.id for p in scanner.policies()}
    assert "KW-SEC-001" in ids
    assert all(isinstance(p, kubeward.PolicyInfo) for p in scanner.policies())
    a = scanner.scan_text(PRIVILEGED_POD, "a.yaml")
    b = scanner.scan_sources({"a.yaml": PRIVILEGED_POD, "b.yaml": PRIVILEGED_POD.encode()})
    c = scanner.scan_sources([("a.yaml", PRIVILEGED_POD)])
    assert {f.file for f in b.findings} == {"a.yaml", "b.yaml"}
    assert a.to_json() == c.to_json()
    assert scanner.scan_paths(MANIFESTS / "deploy.yaml").exit_code == 1


def test_scanner_parameters_and_config(tmp_path):
    config = tmp_path / ".kubeward.yaml"
    config.write_text(
        "packs: [none]\npolicies: [acme]\nfailOn: never\n"
    )
    (tmp_path / "acme").mkdir()
    (tmp_path / "acme" / "ACME-001.yaml").write_text((POLICIES / "ACME-001.yaml").read_text())
    scanner = kubeward.Scanner(config=config)
    report = scanner.scan_text(PRIVILEGED_POD)
    assert [f.policy for f in report.findings] == ["ACME-001"]
    assert report.exit_code == 0
    # Arguments replace the config's settings.
    assert kubeward.Scanner(config=config, fail_on="low").scan_text(PRIVILEGED_POD).exit_code == 1
    trusted = kubeward.Scanner(
        packs=["hardening"], parameters={"trustedRegistries": "^nginx"}
    ).scan_text(PRIVILEGED_POD)
    assert "KW-IMG-001" not in {f.policy for f in trusted.findings}
    untrusted = kubeward.Scanner(packs=["hardening"]).scan_text(PRIVILEGED_POD)
    assert "KW-IMG-001" in {f.policy for f in untrusted.findings}


def test_policies_lists_built_in_policies():
    every = kubeward.policies()
    assert len(every) > 50
    baseline = kubeward.policies(packs=["pss-baseline"])
    assert 0 < len(baseline) < len(every)
    [sec1] = [p for p in every if p.id == "KW-SEC-001"]
    assert sec1.title == "Container runs privileged" and sec1.severity == "critical"
    assert "pss-baseline" in sec1.packs and "CKV_K8S_16" in sec1.aliases
    assert sec1.category == "security" and sec1.description and sec1.fix
    assert sec1.docs.startswith("# KW-SEC-001")
    assert sec1.to_dict()["id"] == "KW-SEC-001"
    assert "KW-SEC-001" in repr(sec1)


def test_load_policies_from_a_file_a_folder_and_text():
    from_file = kubeward.load_policies(POLICIES / "ACME-001.yaml")
    from_folder = kubeward.load_policies(str(POLICIES))
    from_text = kubeward.load_policies((POLICIES / "ACME-001.yaml").read_text())
    for loaded in (from_file, from_folder, from_text):
        assert isinstance(loaded, kubeward.PolicySet)
        assert len(loaded) == 1
        assert [p.id for p in loaded] == ["ACME-001"]
        assert [p.id for p in loaded.policies] == ["ACME-001"]
        assert loaded.files[0][1].startswith("id: ACME-001")
    assert "ACME-001" in repr(from_file)
    assert "ACME-001" in from_text.policies[0].docs
    report = kubeward.scan_text(PRIVILEGED_POD, packs=["none"], policies=[from_file])
    assert [f.policy for f in report.findings] == ["ACME-001"]
    by_path = kubeward.scan_text(PRIVILEGED_POD, packs=["none"], policies=[POLICIES / "ACME-001.yaml"])
    assert by_path.to_json() == report.to_json()
    listed = kubeward.policies(packs=["none"], policies=from_file)
    assert [p.id for p in listed] == ["ACME-001"]


def test_decode_reads_yaml_as_kubernetes_does():
    docs = kubeward.decode("kind: Pod\nspec: {hostNetwork: yes, x: 0777, y: on}\n---\n---\n{\"kind\": \"List\", \"items\": [{}]}\n")
    assert docs == [
        # YAML 1.1 as sigs.k8s.io/yaml reads it: even the key `y` is the boolean true.
        {"kind": "Pod", "spec": {"hostNetwork": True, "x": 511, "true": True}},
        {"kind": "List", "items": [{}]},
    ]
    assert kubeward.decode(b"a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n") == [{"a": {"b": 1}, "c": {"b": 1, "d": 2}}]
    assert kubeward.decode("") == []


def test_chart_options_accepts_every_form(tmp_path):
    values = tmp_path / "v.yaml"
    values.write_text("a: 1\n")
    content = tmp_path / "f.txt"
    content.write_text("hello")
    opts = kubeward.ChartOptions(
        values=[values, str(values), {"b": 2}, "c: 3\n"],
        set={"image.tag": "1.2", "replicas": 3},
        set_string={"a": "x,y"},
        set_file={"cert": content},
        set_json=["x={\"y\": 1}"],
        set_literal="lit=a,b",
        release_name="web",
        namespace="prod",
        kube_version="1.30",
        api_versions=["monitoring.coreos.com/v1"],
        show_only=["templates/deployment.yaml"],
        include_crds=True,
        skip_tests=True,
        is_upgrade=True,
    )
    text = repr(opts)
    assert "ChartOptions(" in text and "values=4" in text
    assert 'image.tag=\\"1.2\\"' in text and "replicas=3" in text
    assert "a=x\\\\,y" in text
    with pytest.raises(TypeError):
        kubeward.ChartOptions(valuez=[])  # type: ignore[call-arg]
    with pytest.raises(kubeward.InputError):
        kubeward.ChartOptions(values=[tmp_path / "missing.yaml"])
    with pytest.raises(kubeward.InputError):
        kubeward.ChartOptions(set_file={"x": tmp_path / "missing.txt"})


def test_os_pathlike_paths_work_everywhere():
    class P(os.PathLike):
        def __fspath__(self):
            return str(MANIFESTS / "deploy.yaml")

    assert kubeward.scan_paths(P()).summary["files"] == 1
