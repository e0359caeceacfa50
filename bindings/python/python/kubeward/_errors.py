"""The exceptions kubeward raises. A finding is never an exception: it is data in a Report."""

from typing import Any, Iterable, List


class KubewardError(Exception):
    """Base class of every kubeward exception.

    ``errors`` lists each problem as an ``ErrorEntry`` (``file``, ``line``, ``column``,
    ``message``); the exception's message names each one as ``file:line:column: message``.
    """

    errors: List[Any]

    def __init__(self, message: str, errors: Iterable[Any] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


class PolicyError(KubewardError):
    """Invalid policies or policy options: a policy file that does not parse or compile,
    an unknown pack, parameter or severity, an invalid Pod Security version or config file."""


class ChartError(KubewardError):
    """A Helm chart that cannot be loaded or rendered (names the template and line when known)."""


class InputError(KubewardError):
    """A path that cannot be read: missing file or folder, unreadable or not UTF-8 text."""


for _cls in (KubewardError, PolicyError, ChartError, InputError):
    _cls.__module__ = "kubeward"
del _cls
