"""The README's configuration table names every environment variable a process reads."""

from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest

from parley.settings import EmbeddedSettings
from parley_dialogue.settings import DialogueSettings
from parley_gateway.settings import GatewaySettings
from parley_logger.settings import LoggerSettings
from parley_nlu.settings import NluSettings
from parley_runtime.infra import InfraSettings
from parley_runtime.settings import env_names
from parley_runtime.worker_settings import WorkerSettings

README = Path(__file__).resolve().parents[1] / "README.md"
SETTINGS: list[type[msgspec.Struct]] = [
    InfraSettings,
    WorkerSettings,
    GatewaySettings,
    DialogueSettings,
    NluSettings,
    LoggerSettings,
    EmbeddedSettings,
]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda cls: cls.__name__)
def test_every_setting_is_documented_in_the_readme(settings: type[msgspec.Struct]) -> None:
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", README.read_text()))
    assert set(env_names(settings).values()) - documented == set()


def configuration_rows() -> list[list[str]]:
    """The cells of each row of the README's configuration table."""
    table = README.read_text().split("## Configuration", 1)[1]
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in table.splitlines()
        if line.startswith("| `")
    ]


def settings_fields() -> dict[str, msgspec.structs.FieldInfo]:
    """Every setting's field, by its environment variable."""
    fields: dict[str, msgspec.structs.FieldInfo] = {}
    for settings in SETTINGS:
        by_name = {field.name: field for field in msgspec.structs.fields(settings)}
        fields.update({variable: by_name[name] for name, variable in env_names(settings).items()})
    return fields


def documented_default(cell: str) -> str | None:
    """A default as the table writes it (`8000`, unset, empty) as the code's default would print."""
    code = re.findall(r"`([^`]*)`", cell)
    if code:
        return code[0]
    return None if cell in ("unset", "built-in page") else ""


def code_default(field: msgspec.structs.FieldInfo) -> str | None:
    value = field.default_factory() if field.default is msgspec.NODEFAULT else field.default
    if value is None:
        return None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return ",".join(value) if isinstance(value, list) else str(value)


def test_every_variable_the_readme_names_is_a_setting_with_that_default() -> None:
    fields = settings_fields()
    for variables, _, defaults, _ in configuration_rows():
        names = re.findall(r"`([A-Z][A-Z0-9_]+)`", variables)
        values = defaults.split(" / ") if len(names) > 1 else [defaults]
        assert len(values) == len(names), variables
        for name, value in zip(names, values, strict=True):
            assert name in fields, f"{name} is in the README but no process reads it"
            assert documented_default(value) == code_default(fields[name]), name


def test_the_nlu_module_table_lists_every_module_of_the_package() -> None:
    readme = README.parent / "services" / "nlu" / "README.md"
    table = readme.read_text().split("| module | holds |", 1)[1].split("\n\n", 1)[0]
    rows = [line.split("|")[1] for line in table.splitlines() if line.startswith("|")]
    listed = {name for cell in rows for name in re.findall(r"`(\w+\.py)`", cell)}
    package = README.parent / "services" / "nlu" / "src" / "parley_nlu"
    modules = {path.name for path in package.glob("*.py")} - {"__init__.py"}
    assert (sorted(modules - listed), sorted(listed - modules)) == ([], [])
