"""Typed settings read from the environment once, in `main()`, reporting every error at once.

A settings class is a frozen `msgspec.Struct`. Each field is read from the environment variable
named by its `env` metadata, or else the field name upper-cased::

    class Settings(msgspec.Struct, frozen=True, kw_only=True):
        redis_url: Annotated[str | None, env("REDIS_URL")] = None

Lists, tuples and sets are written comma-separated (`10.0.0.0/8,192.168.0.0/16`); dicts and
structs as JSON; everything else as text converted to the field's type (`30`, `true`, `0.5`). A
group checks what a field's type cannot say in `__post_init__`, raising `SettingsError` with one line
per problem (`GATEWAY_CORS_ORIGINS: 'http://shop.example/': …`); it is reported with the rest.

A process checks every group it reads with `check_settings`, which also warns of each variable
under one of Parley's prefixes that none of them reads: a misspelt name (`GATEWAY_PORT` for
`PARLEY_PORT`) would otherwise be ignored without a word.
"""

from __future__ import annotations

import difflib
import os
import typing
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import msgspec

from parley_runtime.errors import SettingsError
from parley_runtime.logging import early_logger

S = TypeVar("S", bound=msgspec.Struct)


def env(name: str) -> msgspec.Meta:
    """Metadata naming the environment variable a settings field is read from."""
    return msgspec.Meta(extra={"env": name})


def env_names(cls: type[msgspec.Struct]) -> dict[str, str]:
    """Field name -> environment variable name, for `cls`."""
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    names: dict[str, str] = {}
    for field in info.fields:
        extra: dict[str, Any] = getattr(field.type, "extra", None) or {}
        names[field.name] = str(extra.get("env", field.name.upper()))
    return names


def load_settings(cls: type[S], environ: Mapping[str, str] | None = None) -> S:
    """Build `cls` from the environment; raise `SettingsError` naming every bad variable."""
    environ = os.environ if environ is None else environ
    hints = typing.get_type_hints(cls, include_extras=True)
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    required = {f.name for f in info.fields if f.required}
    values: dict[str, Any] = {}
    problems: list[str] = []
    for field, var in env_names(cls).items():
        raw = environ.get(var)
        if raw is None or raw == "":
            if field in required:
                problems.append(f"{var}: required but not set")
            continue
        try:
            values[field] = _convert(raw, hints[field])
        except msgspec.DecodeError as exc:
            problems.append(f"{var}={raw!r}: {exc}")
    if required - values.keys():  # a required value missing or unreadable: nothing to build
        raise SettingsError(problems)
    try:
        settings = cls(**values)  # with the values that read well, for the group's own check
    except SettingsError as exc:
        raise SettingsError([*problems, *exc.problems]) from None
    if problems:
        raise SettingsError(problems)
    return settings


PREFIXES = ("PARLEY_", "GATEWAY_", "DIALOGUE_", "NLU_", "LOGGER_", "ANALYTICS_", "WORKER_")
"""The prefixes of Parley's own variables (infrastructure ones, `REDIS_URL`, `AWS_…`, are shared with
other programs and not judged)."""
NOT_SETTINGS = frozenset(
    {
        # The test suite's switches (libs/runtime/tests/conftest.py, tests/browser, scripts/test.sh).
        "PARLEY_TEST_REDIS_URL",
        "PARLEY_REQUIRE_REAL_BACKENDS",
        "PARLEY_REQUIRE_BROWSER",
        "PARLEY_SCREENSHOTS",
        "PARLEY_LOCALSTACK_IMAGE",
        # localstack/run.sh's cache, and LocalStack's own listen address, which it sets for LocalStack.
        "PARLEY_CACHE",
        "GATEWAY_LISTEN",
        # The API the console's dev server proxies to (web/vite.config.ts).
        "PARLEY_URL",
    }
)
"""Variables under Parley's prefixes that tools around it set for themselves, never a setting."""


def unread_variables(
    classes: Sequence[type[msgspec.Struct]], environ: Mapping[str, str]
) -> list[tuple[str, str | None]]:
    """Each variable of `environ` set under one of `PREFIXES` that no group of `classes` reads (and
    no tool's, `NOT_SETTINGS`), sorted, with the name read that it most likely meant, if any."""
    groups = [frozenset(env_names(cls).values()) for cls in classes]
    read = frozenset[str]().union(*groups)
    unread = sorted(
        name
        for name, value in environ.items()
        if value and name.startswith(PREFIXES) and name not in read and name not in NOT_SETTINGS
    )
    return [(name, _meant(name, groups)) for name in unread]


def _meant(name: str, groups: Sequence[frozenset[str]]) -> str | None:
    """The name read that `name` most likely stands for: the one of a group that reads names with
    its prefix and ends as it does (`GATEWAY_PORT`: the gateway's group reads `PARLEY_PORT`), else
    the closest spelling (`NLU_ENCODERS`: `NLU_ENCODER`), else the only name ending as it does."""
    prefix, _, rest = name.partition("_")
    ending = sorted({known for group in groups for known in group if known.partition("_")[2] == rest})
    for group in groups:
        same = [known for known in ending if known in group]
        if same and any(known.startswith(f"{prefix}_") for known in group):
            return same[0]
    close = difflib.get_close_matches(name, sorted(frozenset[str]().union(*groups)), n=1, cutoff=0.8)
    if close:
        return close[0]
    return ending[0] if len(ending) == 1 else None


def warn_of_unread_variables(
    classes: Sequence[type[msgspec.Struct]], environ: Mapping[str, str] | None = None
) -> None:
    """Log a warning (`settings.unread_variable`) for each of `unread_variables`."""
    log = early_logger()
    for name, meant in unread_variables(classes, os.environ if environ is None else environ):
        if meant is None:
            log.warning("settings.unread_variable", variable=name)
        else:
            log.warning("settings.unread_variable", variable=name, did_you_mean=meant)


def check_settings(*classes: type[msgspec.Struct], environ: Mapping[str, str] | None = None) -> None:
    """Raise one `SettingsError` naming every bad variable of every settings group a process reads
    (loading one group after another reported one group's problems per start); first, warn of the
    variables under Parley's prefixes that none of them reads. Pass every group the process reads."""
    warn_of_unread_variables(classes, environ)
    check_values(*classes, environ=environ)


def check_values(*classes: type[msgspec.Struct], environ: Mapping[str, str] | None = None) -> None:
    """`check_settings` without the warning, for a second look at some of the groups a process
    reads (the others' variables would be unread by these)."""
    problems: list[str] = []
    for cls in classes:
        try:
            load_settings(cls, environ)
        except SettingsError as exc:
            problems += [problem for problem in exc.problems if problem not in problems]
    if problems:
        raise SettingsError(problems)


_SEQUENCES = (
    msgspec.inspect.ListType,
    msgspec.inspect.TupleType,
    msgspec.inspect.VarTupleType,
    msgspec.inspect.SetType,
    msgspec.inspect.FrozenSetType,
)
_MAPPINGS = (
    msgspec.inspect.DictType,
    msgspec.inspect.StructType,
    msgspec.inspect.TypedDictType,
    msgspec.inspect.DataclassType,
)


def _convert(raw: str, hint: Any) -> Any:
    kinds = _kinds(hint)
    if any(isinstance(kind, _SEQUENCES) for kind in kinds):
        items = [item.strip() for item in raw.split(",") if item.strip()]
        return msgspec.convert(items, hint, strict=False)
    if any(isinstance(kind, _MAPPINGS) for kind in kinds):
        return msgspec.json.decode(raw, type=hint, strict=False)
    return msgspec.convert(raw, hint, strict=False)


def _kinds(hint: Any) -> tuple[msgspec.inspect.Type, ...]:
    """The msgspec type descriptions `hint` may take (the members of a union, metadata unwrapped)."""
    info = msgspec.inspect.type_info(hint)
    if isinstance(info, msgspec.inspect.Metadata):
        info = info.type
    members = info.types if isinstance(info, msgspec.inspect.UnionType) else (info,)
    return tuple(m.type if isinstance(m, msgspec.inspect.Metadata) else m for m in members)
