"""The `parley` command's own behaviour (the commands it delegates to are tested with their packages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.cli import main

pytestmark = pytest.mark.slow
DEMO = Path(__file__).resolve().parents[1] / "src" / "parley" / "demo" / "pizzeria.yaml"
MODEL_CACHE = Path(__file__).resolve().parents[1] / "var" / "models"


def test_nlu_evaluate_takes_a_bot_definition_and_writes_a_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    status = main(["nlu", "evaluate", str(DEMO), "--output", str(report), "--model-cache", str(MODEL_CACHE)])
    assert status == 0
    assert json.loads(report.read_text())


def test_nlu_evaluate_refuses_a_missing_file(tmp_path: Path) -> None:
    assert main(["nlu", "evaluate", str(tmp_path / "nothing.json")]) == 2
