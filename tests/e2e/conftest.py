"""Start the embedded runner (`python -m parley run`) once, as a user would, on a free port."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import EmbeddedParley, embedded_parley

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def parley(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedParley]:
    """The embedded runner with its demo bot, shared by the e2e tests."""
    try:
        with embedded_parley(tmp_path_factory.mktemp("parley-data"), {}) as running:
            yield running
    except RuntimeError as exc:  # it did not start: show why
        pytest.fail(str(exc))
