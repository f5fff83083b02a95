"""A bot definition file as the commands that take one read it: which bot it names, and its type.

The bot is named by its document (`name:`); a document without one (an ACF export) by its file
name made a valid bot name (`order_status (1).json` is `order_status_1`), as a downloaded file
is often renamed.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, cast

from parley_messages import is_bot_name


def bot_name(raw: bytes, path: Path) -> str:
    """The bot `raw`, read from `path`, defines; `InvalidInputError` when it is not JSON or YAML."""
    # Imported here: the dialogue's documents bring its template engine, which `parley --help` and
    # the jobs' commands (the cli image) neither need nor have.
    from parley_dialogue.documents import load_document  # noqa: PLC0415

    return own_name(load_document(raw, content_type(path))) or name_from_file(path)


def own_name(doc: object) -> str | None:
    """The bot's name as the document gives it (native definitions do; ACF exports do not)."""
    name = cast(dict[str, Any], doc).get("name") if isinstance(doc, dict) else None
    return name if isinstance(name, str) and name else None


def name_from_file(path: Path) -> str:
    """A bot name made of the file's name: other characters as `_`, at most 64; `bot` if none is left."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_-")[:64]
    return slug if is_bot_name(slug) else "bot"


def content_type(path: Path) -> str | None:
    """By the file's suffix; without a known one the document is read by its first character."""
    return {".yaml": "application/yaml", ".yml": "application/yaml", ".json": "application/json"}.get(
        path.suffix.lower()
    )
