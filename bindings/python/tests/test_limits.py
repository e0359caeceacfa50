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
