"""The line `parley bots pull` writes at the top of a YAML file, naming the bot and the version it
pulled (`# parley: version 3 of bot pizzeria`), so that `push` saves only over that version.

A comment, because a definition refuses fields it does not know and the loader skips comments. JSON
has none, so a pulled JSON file records nothing and `push --if-match` names its version. A push
that saved rewrites the line with the version it made, so the next push of the same file saves
over its own save and over nothing saved since.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(rb"^# parley: version (\d+) of bot (\S+)", re.MULTILINE)
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Pulled:
    """The bot and version a file's line says it was pulled at (or last pushed as)."""

    bot: str
    version: int


def version_line(bot: str, version: int) -> str:
    return f"# parley: version {version} of bot {bot}"


def pulled(raw: bytes) -> Pulled | None:
    """The version line among the file's leading comments; None when it has none."""
    for line in raw.removeprefix(_BOM).splitlines():
        text = line.strip()
        if text and not text.startswith(b"#"):  # the document has begun
            return None
        found = _LINE.fullmatch(line.rstrip())
        if found:
            return Pulled(bot=found[2].decode("utf-8", "replace"), version=int(found[1]))
    return None


def record(path: Path, raw: bytes, saved: Pulled) -> bool:
    """Rewrite the version line of `path`, read as `raw`, to say `saved`; False when the file has
    changed since it was read (an editor saved it meanwhile) or cannot be written."""
    if pulled(raw) is None:
        return False
    bom = _BOM if raw.startswith(_BOM) else b""
    line = version_line(saved.bot, saved.version).encode()
    text = bom + _LINE.sub(line, raw.removeprefix(bom), count=1)
    try:
        if path.read_bytes() != raw:
            return False
        path.write_bytes(text)
    except OSError:
        return False
    return True
