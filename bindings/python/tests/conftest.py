"""Shared fixtures: test data paths."""

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


@pytest.fixture
def data() -> Path:
    return DATA
