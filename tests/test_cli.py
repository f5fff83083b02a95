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


SMALL_BOT = """\
name: small
settings: {fallback_intent: no_idea}
intents:
  - id: hello
    examples: [hello, hi there, good morning, hey hello]
  - id: order
    examples: [order a pizza, I want a large pizza, one pizza please, a small pizza to order]
  - id: no_idea
    replies: ["Sorry?"]
entities:
  - name: size
    values: [{value: small}, {value: large}]
"""


def _bot_and_test(folder: Path, *lines: dict[str, object]) -> tuple[Path, Path]:
    bot, test = folder / "small.yaml", folder / "test.jsonl"
    bot.write_text(SMALL_BOT)
    test.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return bot, test


def test_nlu_evaluate_finds_the_bot_file_wherever_the_options_are(tmp_path: Path) -> None:
    bot, test = _bot_and_test(tmp_path, {"text": "hi there", "intent": "hello"})
    report = tmp_path / "report.json"
    options = ["--test", str(test), "--model-cache", str(tmp_path), "--encoder", "hashing"]
    assert main(["nlu", "evaluate", *options, str(bot), "--output", str(report)]) == 0
    assert json.loads(report.read_text())["mode"] == "test-file"


def test_nlu_evaluate_lists_the_problems_of_an_invalid_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bot = tmp_path / "bad.yaml"
    bot.write_text(
        SMALL_BOT.replace("[{value: small}, {value: large}]", "[{value: small, synonym: [little]}]")
    )
    assert main(["nlu", "evaluate", str(bot), "--encoder", "hashing"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "parley nlu evaluate: invalid bot definition (1 problems)",
        "  entities[0].values[0].synonym: unknown field (did you mean 'synonyms'?); "
        "an entity value has value, synonyms",
    ]
