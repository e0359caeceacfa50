"""kubeward: find insecure Kubernetes workloads in manifests and Helm charts.

The same engine as the ``kubeward`` command line, as a Python module. Manifests are read
exactly as Kubernetes reads them, Helm charts are rendered natively (no ``helm`` binary),
and every finding names its file, line and column::

    import kubeward

    report = kubeward.scan_text(open("deploy.yaml").read(), filename="deploy.yaml")
    for f in report.findings:
        print(f"{f.file}:{f.line}:{f.column}: {f.severity}: {f.policy} {f.message}")

- ``scan_text``, ``scan_paths``: scan and return a ``Report`` (``findings``, ``suppressed``,
  ``errors``, ``summary``, ``exit_code``; ``to_json``/``to_sarif``/``to_junit``/``to_text``).
- ``Scanner``: compiles policies once and scans many inputs, from many threads at once (the
  GIL is released while scanning).
- ``render_chart``, ``render_chart_archive``: what ``helm template`` prints.
- ``decode``: the documents of a manifest stream exactly as Kubernetes decodes them.
- ``policies``, ``load_policies``: built-in and custom policies.
- Exceptions: ``KubewardError`` > ``PolicyError``, ``ChartError``, ``InputError``. Bad input
  inside a scan is not an exception but an entry of ``report.errors`` (exit code 2).
"""

import json as _json
import threading as _threading
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from . import _native
from ._errors import ChartError, InputError, KubewardError, PolicyError
from ._native import (
    ChartOptions,
    ErrorEntry,
    Finding,
    PolicyInfo,
    PolicySet,
    Report,
    Resource,
    Scanner,
    Suppressed,
    TemplateRef,
    ValuesRef,
    load_policies,
    policies,
    render_chart,
    render_chart_archive,
)

__version__: str = _native.__version__

__all__ = [
    "ChartError",
    "ChartOptions",
    "ErrorEntry",
    "Finding",
    "InputError",
    "KubewardError",
    "PolicyError",
    "PolicyInfo",
    "PolicySet",
    "Report",
    "Resource",
    "Scanner",
    "Suppressed",
    "TemplateRef",
    "ValuesRef",
    "__version__",
    "decode",
    "load_policies",
    "policies",
    "render_chart",
    "render_chart_archive",
    "scan_paths",
    "scan_text",
]

_cache: Dict[Tuple[Any, ...], Scanner] = {}
_cache_lock = _threading.Lock()


def _scanner(
    packs: Optional[Sequence[str]],
    policies: Any,
    pss_version: Optional[str],
    fail_on: Optional[str],
    limits: Optional[Mapping[str, int]] = None,
) -> Scanner:
    """A scanner for these options; compiled once per process unless custom policies are given
    (their files may change between calls)."""
    if policies is not None:
        return Scanner(
            packs=packs, policies=policies, pss_version=pss_version, fail_on=fail_on, limits=limits
        )
    frozen = tuple(sorted(limits.items())) if limits is not None else None
    key = (tuple(packs) if packs is not None else None, pss_version, fail_on, frozen)
    with _cache_lock:
        found = _cache.get(key)
        if found is None:
            found = Scanner(packs=packs, pss_version=pss_version, fail_on=fail_on, limits=limits)
            _cache[key] = found
        return found


def scan_text(
    text: str,
    filename: str = "<text>",
    *,
    packs: Optional[Sequence[str]] = None,
    policies: Any = None,
    pss_version: Optional[str] = None,
    fail_on: Optional[str] = None,
    limits: Optional[Mapping[str, int]] = None,
) -> Report:
    """Scans one manifest text (YAML or JSON, any number of documents).

    ``filename`` is the name findings and errors carry. ``packs``, ``policies``,
    ``pss_version``, ``fail_on`` and ``limits`` (``{"max-input-bytes": 8 << 20}``, see
    docs/limits.md) are as for ``Scanner``. Raises ``PolicyError`` for invalid
    policies or options; a document that cannot be decoded is an entry of ``report.errors``.
    """
    return _scanner(packs, policies, pss_version, fail_on, limits).scan_text(text, filename)


def scan_paths(
    paths: Any,
    *,
    packs: Optional[Sequence[str]] = None,
    policies: Any = None,
    pss_version: Optional[str] = None,
    fail_on: Optional[str] = None,
    limits: Optional[Mapping[str, int]] = None,
    **chart_options: Any,
) -> Report:
    """Scans files, folders (recursively), chart folders and ``.tgz`` charts, as
    ``kubeward scan PATH...`` does.

    ``paths`` is one path or a list of paths. Charts are rendered with ``chart_options``
    (``values``, ``set``, ``set_string``, ``set_file``, ``set_json``, ``set_literal``,
    ``release_name``, ``namespace``, ``kube_version``, ``api_versions``...; see
    ``ChartOptions``). Raises ``InputError`` when a path does not exist or a values file
    cannot be read, ``PolicyError`` for invalid policies or options.
    """
    return _scanner(packs, policies, pss_version, fail_on, limits).scan_paths(
        paths, **chart_options
    )


def decode(text: Union[str, bytes], filename: str = "<text>") -> List[Any]:
    """The documents of a manifest stream exactly as Kubernetes decodes them.

    YAML 1.1 scalars (``yes`` is ``True``, ``0777`` is octal), merge keys, last duplicate key
    wins, JSON streams; empty documents are skipped and ``List`` objects are not flattened
    (as ``kubeward decode`` prints them). Raises ``InputError`` when any part cannot be decoded;
    its ``errors`` name each location and its ``documents`` hold what did decode.
    """
    data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
    documents, errors = _native.decode_json(data, filename)
    decoded = [_json.loads(d) for d in documents]
    if errors:
        lines = [str(e) for e in errors]
        message = lines[0] if len(lines) == 1 else f"{len(lines)} errors:\n  " + "\n  ".join(lines)
        error = InputError(message, errors)
        error.documents = decoded  # type: ignore[attr-defined]
        raise error
    return decoded
