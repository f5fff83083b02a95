"""The `parley` command's own behaviour (the commands it delegates to are tested with their packages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parley.cli import main

pytestmark = pytest.mark.slow
DEMO = Path(__file__).resolve().parents[1] / "src" / "parley" / "demo" / "pizzeria.yaml"
MODEL_CACHE = Path(__file__).resolve().parents[1] / "var" / "models"
ACF_EXAMPLES = Path(__file__).resolve().parents[1] / "services" / "dialogue" / "tests" / "acf_examples"


def test_nlu_evaluate_takes_a_bot_definition_and_writes_a_report(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    status = main(["nlu", "evaluate", str(DEMO), "--output", str(report), "--model-cache", str(MODEL_CACHE)])
    assert status == 0
    assert json.loads(report.read_text())


def test_nlu_evaluate_refuses_a_missing_file(tmp_path: Path) -> None:
    assert main(["nlu", "evaluate", str(tmp_path / "nothing.json")]) == 2


@pytest.mark.parametrize("file_name", ["my pizzeria.export.yaml", "pizzeria (1).yaml"])
def test_nlu_evaluate_names_the_bot_as_its_document_does_whatever_the_file_is_called(
    file_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bot = tmp_path / file_name
    bot.write_bytes(DEMO.read_bytes())
    assert main(["nlu", "evaluate", str(bot), "--encoder", "hashing"]) == 0
    assert "\npizzeria: cross-validation" in capsys.readouterr().out  # after the log lines


@pytest.mark.parametrize(
    ("file_name", "bot"), [("order_status (1).json", "order_status_1"), ("(é).json", "bot")]
)
def test_nlu_evaluate_names_a_bot_whose_document_has_no_name_by_its_file(
    file_name: str, bot: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    acf = tmp_path / file_name
    acf.write_bytes((ACF_EXAMPLES / "order_status.json").read_bytes())
    assert main(["nlu", "evaluate", str(acf), "--encoder", "hashing"]) == 0
    assert f"\n{bot}: cross-validation" in capsys.readouterr().out


def test_nlu_evaluate_reports_a_dataset_with_a_mistake_as_a_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = tmp_path / "dataset.json"
    dataset.write_text(
        json.dumps({"bot": "shop", "intents": [{"name": "greet", "exmples": [{"text": "hi"}]}]})
    )
    assert main(["nlu", "evaluate", str(dataset), "--encoder", "hashing"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"parley nlu evaluate: {dataset}: not a valid NLU dataset: "
        "Object missing required field `examples` - at `$.intents[0]`"
    ]


def test_nlu_evaluate_writes_a_json_report_only_where_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    bot, _ = _bot_and_test(tmp_path / "in")
    assert main(["nlu", "evaluate", str(bot), "--encoder", "hashing"]) == 0
    assert "wrote" not in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in"]
    missing = tmp_path / "nowhere" / "report.json"
    assert main(["nlu", "evaluate", str(bot), "--encoder", "hashing", "--output", str(missing)]) == 2
    assert f"there is no directory {missing.parent}" in capsys.readouterr().err


def test_nlu_evaluate_uses_the_nlus_encoder_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NLU_ENCODER", "hashing")  # else the language model, from var/models here
    monkeypatch.chdir(tmp_path)
    bot, _ = _bot_and_test(tmp_path / "in")
    assert main(["nlu", "evaluate", str(bot)]) == 0
    assert "small: cross-validation" in capsys.readouterr().out
    assert not (tmp_path / "var").exists()


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
    folder.mkdir(exist_ok=True)
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


def test_nlu_evaluate_counts_the_bots_fallback_intent_as_out_of_scope(tmp_path: Path) -> None:
    bot, test = _bot_and_test(
        tmp_path,
        {"text": "hi there", "intent": "hello"},
        {"text": "what colour is the sky", "intent": "no_idea"},
        {"text": "tell me a joke"},
    )
    report = tmp_path / "report.json"
    options = ["--test", str(test), "--encoder", "hashing", "--output", str(report)]
    assert main(["nlu", "evaluate", str(bot), *options]) == 0
    assert json.loads(report.read_text())["out_of_scope"] == 2


def test_nlu_evaluate_lists_every_problem_of_a_test_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bot, test = _bot_and_test(
        tmp_path,
        {"text": "hi there", "intent": "greet"},
        {"text": "I want a large pizza", "intent": "order", "entities": [
            {"entity": "sise", "value": "large", "start": 9, "end": 50}
        ]},
    )  # fmt: skip
    assert main(["nlu", "evaluate", "--test", str(test), str(bot), "--encoder", "hashing"]) == 2
    problems = capsys.readouterr().err.splitlines()[1:]
    assert [line.split(": ")[0] for line in problems] == [f"  {test}:1", f"  {test}:2", f"  {test}:2"]
    assert "'greet' is not one the model learns" in problems[0]
    assert "'sise' is not one the model finds (did you mean 'size'?)" in problems[1]
    assert "characters 9..50 are not a span of the text (20 characters)" in problems[2]


def test_nlu_evaluate_lists_the_problems_of_an_invalid_bot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bot = tmp_path / "bad.yaml"
    bot.write_text(
        SMALL_BOT.replace("[{value: small}, {value: large}]", "[{value: small, synonym: [little]}]")
    )
    assert main(["nlu", "evaluate", str(bot), "--encoder", "hashing"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "parley nlu evaluate: invalid bot definition (1 problem)",
        "  entities[0].values[0].synonym: unknown field (did you mean 'synonyms'?); "
        "an entity value has value, synonyms",
    ]
