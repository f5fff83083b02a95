"""Fault tests: which kind of kill ran is reported in the terminal summary."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from parley_runtime.infra import InfraSettings
from parley_runtime.mongo import close_mongo, connect_mongo

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


@pytest.fixture
async def db() -> AsyncIterator[AsyncDatabase[Any]]:
    """A database of its own on `MONGODB_URL`, else the in-process emulation; dropped afterwards."""
    name = f"parley_faults_{uuid.uuid4().hex[:10]}"
    database = connect_mongo(InfraSettings(mongodb_url=os.environ.get("MONGODB_URL"), mongodb_database=name))
    try:
        yield database
    finally:
        await database.client.drop_database(name)
        await close_mongo(database)
