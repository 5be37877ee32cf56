"""The real process library for the rule tests (see tests/library.py)."""

from __future__ import annotations

import pytest

from tests.library import Library, make_library


@pytest.fixture
def library(services) -> Library:
    return make_library(services)
