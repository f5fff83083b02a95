"""Print the third-party requirements of Parley packages, one a line, for `pip install -r`.

    python docker/requirements.py libs/messages libs/runtime services/nlu --without sentence-transformers

The image build installs these (pinned by requirements/constraints.txt), then the Parley packages
themselves with `--no-deps`. Reading the list from each `pyproject.toml` keeps the images in step
with the packages; `--without` leaves out what an image must not carry (the NLU serving image
drops sentence-transformers, which pulls in torch, and onnx, which only the export needs).
Parley's own packages (`parley-*`) are never printed: they are installed from their folders.
Standard library only: it runs before anything is installed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical(name: str) -> str:
    """PEP 503 normalised project name."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(requirement: str) -> str:
    match = _NAME.match(requirement)
    if match is None:
        raise ValueError(f"cannot read a project name from requirement {requirement!r}")
    return canonical(match.group(1))


def requirements(projects: list[Path], without: set[str]) -> list[str]:
    """Every dependency of `projects`, minus Parley's own packages and `without`, deduplicated."""
    listed = [r for project in projects for r in _dependencies(project)]
    dropped = {canonical(name) for name in without}
    unknown = dropped - {requirement_name(r) for r in listed}
    if unknown:
        raise SystemExit(f"--without names no dependency of these packages: {sorted(unknown)}")
    kept: dict[str, str] = {}
    for requirement in listed:
        name = requirement_name(requirement)
        if not name.startswith("parley-") and name not in dropped:
            kept.setdefault(name, requirement)
    return [kept[name] for name in sorted(kept)]


def _dependencies(project: Path) -> list[str]:
    metadata = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    return list(metadata.get("dependencies", []))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("projects", nargs="+", type=Path, help="folders holding a pyproject.toml")
    parser.add_argument("--without", action="append", default=[], help="a dependency to leave out")
    args = parser.parse_args(argv)
    sys.stdout.write("".join(f"{line}\n" for line in requirements(args.projects, set(args.without))))


if __name__ == "__main__":
    main()
