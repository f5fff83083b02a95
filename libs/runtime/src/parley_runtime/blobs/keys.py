"""The one rule for blob keys, applied by every adapter so that the local store and S3 cannot drift."""

from __future__ import annotations

from parley_runtime.errors import InvalidInputError


def validate_key(key: str) -> str:
    """`key` if it is a `/`-separated relative path without empty, `.` or `..` segments.

    Anything else raises `InvalidInputError`: S3 would accept it, but a local directory cannot
    hold it safely, and a key that works in only one of them is a bug waiting for production.
    """
    problem = None
    if not key or key.startswith("/") or "\\" in key or "\x00" in key:
        problem = "must be a non-empty relative path with `/` separators"
    elif any(part in ("", ".", "..") for part in key.split("/")):
        problem = "must not contain empty, `.` or `..` segments"
    if problem:
        raise InvalidInputError(f"invalid blob key {key!r}: {problem}", details={"key": key})
    return key
