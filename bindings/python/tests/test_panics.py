"""A panic inside kubeward is a ``KubewardError`` asking for a bug report, never PyO3's
``PanicException`` (a ``BaseException`` that ``except Exception`` misses) nor an abort.

The panic is triggered by the test-only variable ``KUBEWARD_TEST_PANIC``: ``entry`` panics
as an entry point starts (GIL held), ``unlocked`` inside the library call (GIL released).
"""

import pytest

import kubeward
from conftest import CHART, MANIFESTS

POD = """apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        privileged: true
"""


def _archive() -> bytes:
    import io
    import tarfile

    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(CHART, arcname=CHART.name)
    return buf.getvalue()


def _calls(scanner, report, finding, info, archive):
    """Every entry point of the module, as (name, call)."""
    return [
        ("Scanner", lambda: kubeward.Scanner()),
        ("Scanner.scan_text", lambda: scanner.scan_text(POD)),
        ("Scanner.scan_sources", lambda: scanner.scan_sources({"pod.yaml": POD})),
        ("Scanner.scan_paths", lambda: scanner.scan_paths(MANIFESTS)),
        ("scan_text", lambda: kubeward.scan_text(POD)),
        ("scan_paths", lambda: kubeward.scan_paths(MANIFESTS)),
        ("render_chart", lambda: kubeward.render_chart(CHART)),
        ("render_chart_archive", lambda: kubeward.render_chart_archive(archive)),
        ("ChartOptions", lambda: kubeward.ChartOptions(set={"a": 1})),
        ("load_policies", lambda: kubeward.load_policies([])),
        ("policies", lambda: kubeward.policies()),
        ("decode", lambda: kubeward.decode(POD)),
        ("Report.to_json", lambda: report.to_json()),
        ("Report.to_sarif", lambda: report.to_sarif()),
        ("Report.summary", lambda: report.summary),
        ("Finding.to_dict", lambda: finding.to_dict()),
        ("PolicyInfo.docs", lambda: info.docs),
    ]


@pytest.fixture
def prepared():
    scanner = kubeward.Scanner()
    report = scanner.scan_text(POD)
    finding = report.findings[0]
    info = kubeward.policies()[0]
    return scanner, report, finding, info, _archive()


def test_a_panic_in_the_library_call_is_a_kubeward_error(monkeypatch):
    scanner = kubeward.Scanner()
    monkeypatch.setenv("KUBEWARD_TEST_PANIC", "unlocked")
    with pytest.raises(kubeward.KubewardError) as caught:
        scanner.scan_text(POD)
    message = str(caught.value)
    assert "internal error: kubeward " + kubeward.__version__ + " panicked" in message
    assert "deliberate panic (KUBEWARD_TEST_PANIC=unlocked)" in message
    assert "please report it at https://github.com/kubeward/kubeward/issues" in message
    assert type(caught.value) is kubeward.KubewardError
    [entry] = caught.value.errors
    assert entry.file == "<kubeward>"
    # The scanner is not poisoned: the next scan works.
    monkeypatch.delenv("KUBEWARD_TEST_PANIC")
    assert [f.policy for f in scanner.scan_text(POD).findings if "pss:privileged" in f.aliases]


def test_except_exception_catches_a_panic(monkeypatch):
    monkeypatch.setenv("KUBEWARD_TEST_PANIC", "unlocked")
    try:
        kubeward.decode(POD)
    except Exception as e:  # noqa: BLE001 - the point of the test
        assert isinstance(e, kubeward.KubewardError)
    else:
        pytest.fail("no exception")


@pytest.mark.parametrize("when", ["entry", "unlocked"])
def test_every_entry_point_turns_a_panic_into_kubeward_error(monkeypatch, prepared, when):
    reached = []
    for name, call in _calls(*prepared):
        monkeypatch.setenv("KUBEWARD_TEST_PANIC", when)
        try:
            call()
        except kubeward.KubewardError as e:
            assert f"KUBEWARD_TEST_PANIC={when}" in str(e), name
            reached.append(name)
        finally:
            monkeypatch.delenv("KUBEWARD_TEST_PANIC")
        call()  # and works again right after
    if when == "entry":
        # Every entry point is guarded as it starts.
        assert reached == [name for name, _ in _calls(*prepared)]
    else:
        # These release the GIL for the library's work.
        assert set(reached) >= {
            "Scanner", "Scanner.scan_text", "Scanner.scan_sources", "Scanner.scan_paths",
            "scan_paths", "render_chart", "render_chart_archive", "load_policies", "policies",
            "decode", "Report.to_json", "Report.to_sarif", "PolicyInfo.docs",
        }


def test_only_the_exact_values_panic(monkeypatch):
    for value in ("1", "true", "ENTRY", ""):
        monkeypatch.setenv("KUBEWARD_TEST_PANIC", value)
        assert kubeward.decode(POD)[0]["kind"] == "Pod"
