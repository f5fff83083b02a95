"""Typed settings read from the environment once, in `main()`, reporting every error at once.

A settings class is a frozen `msgspec.Struct`. Each field is read from the environment variable
named by its `env` metadata, or else the field name upper-cased::

    class Settings(msgspec.Struct, frozen=True, kw_only=True):
        redis_url: Annotated[str | None, env("REDIS_URL")] = None

Lists, tuples and sets are written comma-separated (`10.0.0.0/8,192.168.0.0/16`); dicts and
structs as JSON; everything else as text converted to the field's type (`30`, `true`, `0.5`).
"""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

from parley_runtime.errors import SettingsError

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
    if problems:
        raise SettingsError(problems)
    return cls(**values)


def check_settings(*classes: type[msgspec.Struct], environ: Mapping[str, str] | None = None) -> None:
    """Raise one `SettingsError` naming every bad variable of every settings group a process reads
    (loading one group after another reported one group's problems per start)."""
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
