"""Parley's relative default directories (`var/data`, `var/models`) for a command run elsewhere.

`parley run` keeps its data (the admin token it generated among them) and the sentence model's
ONNX export under the directory it runs in. An author command is often run from the folder that
holds the bot's file instead: left unset, those directories are looked for where the command runs,
and when not there, in the checkout the `parley` package runs from (`just run` installs it
editable), which is where `just run` keeps them. So `parley bots push` finds the admin token and
`parley nlu evaluate` reuses the export (143 MB, a minute to make) instead of making another in a
new `var/` next to the bot's file. A variable that is set is always read as it is.
"""

from __future__ import annotations

from pathlib import Path


def located(relative: str) -> Path:
    """The directory a default `relative` to the working directory names: there if it exists, else
    in the checkout Parley runs from (if it does, whether or not the directory is there yet)."""
    path = Path(relative)
    if path.is_absolute() or path.exists():
        return path
    root = checkout()
    return root / path if root is not None else path


def checkout() -> Path | None:
    """The checkout the `parley` package is imported from: the folder of its `pyproject.toml` and
    `src/parley`; None for an installed copy (site-packages, the images)."""
    package = Path(__file__).resolve().parent
    root = package.parents[1]
    if package == root / "src" / "parley" and (root / "pyproject.toml").is_file():
        return root
    return None
