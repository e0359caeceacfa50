"""Type stubs of the kubeward module (see help(kubeward))."""

import os
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Union, final

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

__version__: str

_Path = Union[str, "os.PathLike[str]"]
_PolicySource = Union[_Path, "PolicySet"]
_Policies = Union[_PolicySource, Sequence[_PolicySource]]
_Assignments = Union[str, Sequence[str], Mapping[str, Any]]

class KubewardError(Exception):
    """Base class of every kubeward exception; ``errors`` names each problem."""

    errors: List[ErrorEntry]
    def __init__(self, message: str, errors: Iterable[ErrorEntry] = ...) -> None: ...

class PolicyError(KubewardError):
    """Invalid policies or policy options (packs, parameters, fail_on, config file)."""

class ChartError(KubewardError):
    """A Helm chart that cannot be loaded or rendered."""

class InputError(KubewardError):
    """A path that cannot be read (or, from ``decode``, text that cannot be decoded)."""

@final
class ErrorEntry:
    """An input that could not be read, decoded or rendered, with its location."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int:
        """1-based; 0 when the error concerns the whole file."""
    @property
    def column(self) -> int:
        """1-based; 0 when the error concerns the whole file."""
    @property
    def message(self) -> str: ...
    @property
    def location(self) -> str:
        """``file:line:column``, or ``file``."""
    def to_dict(self) -> Dict[str, Any]: ...

@final
class Resource:
    """The Kubernetes object a finding is about."""

    @property
    def api_version(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def namespace(self) -> Optional[str]: ...
    @property
    def name(self) -> str: ...
    @property
    def document(self) -> int:
        """0-based index of the document in its file."""
    def to_dict(self) -> Dict[str, Any]: ...

@final
class TemplateRef:
    """The chart template line that produced a node."""

    @property
    def chart(self) -> str: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int | None: ...
    @property
    def values(self) -> ValuesRef | None: ...

@final
class ValuesRef:
    """A chart value a finding's text came from, and where a values file sets it."""

    @property
    def path(self) -> str: ...
    @property
    def file(self) -> str | None: ...
    @property
    def line(self) -> int | None: ...

@final
class Finding:
    """One violated policy at one place (1-based lines and character columns, end exclusive)."""

    @property
    def policy(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> str:
        """``critical``, ``high``, ``medium``, ``low`` or ``info``."""
    @property
    def message(self) -> str: ...
    @property
    def aliases(self) -> List[str]: ...
    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def path(self) -> str:
        """JSON pointer into the decoded document."""
    @property
    def resource(self) -> Resource: ...
    @property
    def container(self) -> Optional[str]: ...
    @property
    def template(self) -> Optional[TemplateRef]: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class Suppressed:
    """A finding silenced by an annotation, a comment or a config exemption."""

    @property
    def finding(self) -> Finding: ...
    @property
    def reason(self) -> str: ...
    @property
    def suppressed_by(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class Report:
    """What a scan found."""

    @property
    def findings(self) -> List[Finding]: ...
    @property
    def suppressed(self) -> List[Suppressed]: ...
    @property
    def errors(self) -> List[ErrorEntry]: ...
    @property
    def warnings(self) -> List[str]: ...
    @property
    def summary(self) -> Dict[str, Any]:
        """``{"files", "resources", "findings", "bySeverity"}``."""
    @property
    def exit_code(self) -> int:
        """0, 1 (findings at or above fail_on) or 2 (errors), as the CLI."""
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_sarif(self) -> str: ...
    def to_junit(self) -> str: ...
    def to_text(self) -> str: ...

@final
class PolicyInfo:
    """What a policy is."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def packs(self) -> List[str]: ...
    @property
    def aliases(self) -> List[str]: ...
    @property
    def description(self) -> str: ...
    @property
    def fix(self) -> str: ...
    @property
    def docs(self) -> str:
        """The policy's Markdown page, as ``kubeward policies ID`` prints it."""
    def to_dict(self) -> Dict[str, Any]: ...

@final
class PolicySet:
    """Checked custom policy files (from ``load_policies``); pass as ``policies=``."""

    @property
    def policies(self) -> List[PolicyInfo]: ...
    @property
    def files(self) -> List[Tuple[str, str]]: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[PolicyInfo]: ...

@final
class ChartOptions:
    """What ``helm template`` is told."""

    def __new__(
        cls,
        *,
        values: Optional[Sequence[Union[_Path, Mapping[str, Any]]]] = None,
        set: Optional[_Assignments] = None,
        set_string: Optional[_Assignments] = None,
        set_file: Optional[Mapping[str, _Path]] = None,
        set_json: Optional[_Assignments] = None,
        set_literal: Optional[_Assignments] = None,
        release_name: Optional[str] = None,
        namespace: Optional[str] = None,
        kube_version: Optional[str] = None,
        api_versions: Optional[Sequence[str]] = None,
        show_only: Optional[Sequence[str]] = None,
        include_crds: bool = False,
        skip_tests: bool = False,
        is_upgrade: bool = False,
    ) -> "ChartOptions": ...

@final
class Scanner:
    """Compiled policies that scan any number of inputs, from any number of threads."""

    def __new__(
        cls,
        *,
        packs: Optional[Sequence[str]] = None,
        policies: Optional[_Policies] = None,
        pss_version: Optional[str] = None,
        fail_on: Optional[str] = None,
        parameters: Optional[Mapping[str, Any]] = None,
        config: Optional[_Path] = None,
        limits: Optional[Mapping[str, int]] = None,
    ) -> "Scanner": ...
    def scan_text(self, text: str, filename: str = "<text>") -> Report: ...
    def scan_sources(
        self, sources: Union[Mapping[str, Union[str, bytes]], Iterable[Tuple[str, Union[str, bytes]]]]
    ) -> Report: ...
    def scan_paths(
        self,
        paths: Union[_Path, Sequence[_Path]],
        options: Optional[ChartOptions] = None,
        /,
        **chart_options: Any,
    ) -> Report: ...
    def policies(self) -> List[PolicyInfo]: ...

def scan_text(
    text: str,
    filename: str = "<text>",
    *,
    packs: Optional[Sequence[str]] = None,
    policies: Optional[_Policies] = None,
    pss_version: Optional[str] = None,
    fail_on: Optional[str] = None,
    limits: Optional[Mapping[str, int]] = None,
) -> Report: ...
def scan_paths(
    paths: Union[_Path, Sequence[_Path]],
    *,
    packs: Optional[Sequence[str]] = None,
    policies: Optional[_Policies] = None,
    pss_version: Optional[str] = None,
    fail_on: Optional[str] = None,
    limits: Optional[Mapping[str, int]] = None,
    values: Optional[Sequence[Union[_Path, Mapping[str, Any]]]] = None,
    set: Optional[_Assignments] = None,
    set_string: Optional[_Assignments] = None,
    set_file: Optional[Mapping[str, _Path]] = None,
    set_json: Optional[_Assignments] = None,
    set_literal: Optional[_Assignments] = None,
    release_name: Optional[str] = None,
    namespace: Optional[str] = None,
    kube_version: Optional[str] = None,
    api_versions: Optional[Sequence[str]] = None,
    show_only: Optional[Sequence[str]] = None,
    include_crds: bool = False,
    skip_tests: bool = False,
    is_upgrade: bool = False,
) -> Report: ...
def render_chart(
    chart: _Path,
    options: Optional[ChartOptions] = None,
    /,
    *,
    limits: Optional[Mapping[str, int]] = None,
    values: Optional[Sequence[Union[_Path, Mapping[str, Any]]]] = None,
    set: Optional[_Assignments] = None,
    set_string: Optional[_Assignments] = None,
    set_file: Optional[Mapping[str, _Path]] = None,
    set_json: Optional[_Assignments] = None,
    set_literal: Optional[_Assignments] = None,
    release_name: Optional[str] = None,
    namespace: Optional[str] = None,
    kube_version: Optional[str] = None,
    api_versions: Optional[Sequence[str]] = None,
    show_only: Optional[Sequence[str]] = None,
    include_crds: bool = False,
    skip_tests: bool = False,
    is_upgrade: bool = False,
) -> str: ...
def render_chart_archive(
    data: bytes,
    options: Optional[ChartOptions] = None,
    /,
    *,
    limits: Optional[Mapping[str, int]] = None,
    values: Optional[Sequence[Union[_Path, Mapping[str, Any]]]] = None,
    set: Optional[_Assignments] = None,
    set_string: Optional[_Assignments] = None,
    set_file: Optional[Mapping[str, _Path]] = None,
    set_json: Optional[_Assignments] = None,
    set_literal: Optional[_Assignments] = None,
    release_name: Optional[str] = None,
    namespace: Optional[str] = None,
    kube_version: Optional[str] = None,
    api_versions: Optional[Sequence[str]] = None,
    show_only: Optional[Sequence[str]] = None,
    include_crds: bool = False,
    skip_tests: bool = False,
    is_upgrade: bool = False,
) -> str: ...
def decode(text: Union[str, bytes], filename: str = "<text>") -> List[Any]: ...
def policies(packs: Optional[Sequence[str]] = None, policies: Optional[_Policies] = None) -> List[PolicyInfo]: ...
def load_policies(source: Union[_Path, Sequence[_Path]]) -> PolicySet: ...
