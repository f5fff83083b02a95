"""Fault tests: which kind of kill ran is reported in the terminal summary."""

from __future__ import annotations

from collections.abc import Callable

import pytest

_modes = pytest.StashKey[list[str]]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_modes] = []


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    modes = config.stash.get(_modes, [])
    if modes:
        terminalreporter.section("fault test mode")
        for mode in modes:
            terminalreporter.write_line(mode)


@pytest.fixture
def record_fault_mode(pytestconfig: pytest.Config) -> Callable[[str], None]:
    def record(mode: str) -> None:
        pytestconfig.stash[_modes].append(mode)

    return record
