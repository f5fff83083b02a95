"""Typed settings read from the environment once, in `main()`, reporting every error at once.

A settings class is a frozen `msgspec.Struct`. Each field is read from the environment variable
named by its `env` metadata, or else the field name upper-cased::

    class Settings(msgspec.Struct, frozen=True, kw_only=True):
        redis_url: Annotated[str | None, msgspec.Meta(extra={"env": "REDIS_URL"})] = None
"""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping
from typing import Any, TypeVar

import msgspec

from parley_runtime.errors import SettingsError

S = TypeVar("S", bound=msgspec.Struct)


def env_names(cls: type[msgspec.Struct]) -> dict[str, str]:
    """Field name -> environment variable name, for `cls`."""
    info = msgspec.inspect.type_info(cls)
    assert isinstance(info, msgspec.inspect.StructType)
    names: dict[str, str] = {}
    for field in info.fields:
        extra = getattr(field.type, "extra", None) or {}
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
            values[field] = msgspec.convert(raw, hints[field], strict=False)
        except msgspec.ValidationError as exc:
            problems.append(f"{var}={raw!r}: {exc}")
    if problems:
        raise SettingsError(problems)
    return cls(**values)
