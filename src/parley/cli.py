"""The `parley` command."""

from __future__ import annotations

import argparse
import asyncio
import sys

from parley.settings import EmbeddedSettings
from parley_runtime.errors import SettingsError
from parley_runtime.infra import InfraSettings
from parley_runtime.logging import configure_logging
from parley_runtime.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="parley", description="Parley, a self-hosted chatbot framework.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run every service in one process, with no infrastructure")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            return _run()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 1


def _run() -> int:
    from parley.embedded import serve  # noqa: PLC0415 - heavy (torch, onnxruntime): only when running

    settings = load_settings(EmbeddedSettings)
    configure_logging(load_settings(InfraSettings).log_level)
    asyncio.run(serve(settings))
    return 0
