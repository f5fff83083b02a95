"""Conditional saves of a bot (HTTP `If-Match: "<version>"`, `If-None-Match: *`): how a refused one
reads to the person whose save it was."""

from __future__ import annotations

from parley_runtime.errors import PreconditionFailedError


def stale_save(
    bot: str, expected_version: int | None, *, current_version: int | None, deleted: bool
) -> PreconditionFailedError:
    """The refusal of a save that expected `expected_version` (None: that no bot lived under the
    name). `details` carries `current_version`, None when no bot lives under the name."""
    details = {"current_version": current_version}
    if expected_version is None:
        return PreconditionFailedError(f"bot {bot!r} already exists", details=details)
    if current_version is not None:
        message = (
            f"bot {bot!r} was saved by someone else since you loaded version {expected_version} "
            f"(it is now version {current_version}): reload it and apply your changes again"
        )
    elif deleted:
        message = f"bot {bot!r} was deleted since you loaded version {expected_version}"
    else:
        message = f"there is no bot named {bot!r} (you expected version {expected_version})"
    return PreconditionFailedError(message, details=details)
