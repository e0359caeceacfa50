"""Shared fixtures: test data paths, and the `chart` marker, whose tests run only once the
native Helm renderer can render a chart."""

import functools
from pathlib import Path

import pytest

import kubeward

DATA = Path(__file__).resolve().parent / "data"
PACKAGE = DATA.parent.parent
REPO = PACKAGE.parent.parent
CHART = DATA / "charts" / "web"
BROKEN_CHART = DATA / "charts" / "broken"
MANIFESTS = DATA / "manifests"
POLICIES = DATA / "policies"


@functools.lru_cache(maxsize=None)
def chart_rendering_unavailable() -> str:
    """Why charts cannot be rendered here (the renderer is still being written), or ""."""
    try:
        kubeward.render_chart(CHART)
    except kubeward.ChartError as e:
        message = str(e)
        if "not supported yet" in message or "not built yet" in message:
            return f"the native Helm renderer cannot render yet ({message})"
    return ""


def pytest_collection_modifyitems(config, items):
    reason = None
    for item in items:
        if item.get_closest_marker("chart") is None:
            continue
        if reason is None:
            reason = chart_rendering_unavailable()
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture
def data() -> Path:
    return DATA
