"""What every test shares."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _garbage_collector_back_on() -> Iterator[None]:
    """Commands run in-process turn the cyclic collector off for their short life (cli.main,
    cli_caseload._run); the test process lives on, so it is turned back on after each test."""
    yield
    gc.enable()
