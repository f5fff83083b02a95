"""`python -m parley_nlu.evaluate`: cross-validation or a test file, printed and written as JSON."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import msgspec
import pytest

from parley_messages import NluDataset
from parley_nlu import assessment
from parley_nlu.encoder import HashingEncoder
from parley_nlu.evaluate import encoder_settings, main, parser


@pytest.fixture
def dataset_file(tmp_path: Path, shop_dataset: NluDataset) -> Path:
    path = tmp_path / "dataset.json"
    path.write_bytes(msgspec.json.encode(shop_dataset))
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main([*args, "--encoder", "hashing"])
    return code, capsys.readouterr().out


def run_with_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, *args: str
) -> tuple[int, str, dict[str, Any]]:
    """`run` with `--output`: also the JSON report it wrote."""
    output = tmp_path / "report.json"
    code, printed = run(capsys, *args, "--output", str(output))
    return code, printed, json.loads(output.read_text())


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return path


def test_cross_validation_prints_and_writes_the_report(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, printed, report = run_with_report(capsys, tmp_path, str(dataset_file))
    assert code == 0
    assert "cross-validation" in printed and "out-of-scope recall" in printed and "entities:" in printed
    assert report["mode"] == "cross-validation" and report["in_scope"] == 13
    assert {row["intent"] for row in report["per_intent"]} == {"greet", "order_pizza", "weather"}
    assert 0 <= report["oos_recall"] <= 1
    assert "<- this bot's" in printed


def test_the_report_shows_what_other_fallback_thresholds_would_score(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, report = run_with_report(capsys, tmp_path, str(dataset_file))
    rows = report["thresholds"]
    assert [row["threshold"] for row in rows] == [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    (own,) = [row for row in rows if row["threshold"] == report["threshold"]]
    assert (own["in_scope_accuracy"], own["oos_recall"]) == (
        report["in_scope_accuracy"],
        report["oos_recall"],
    )
    for lower, higher in itertools.pairwise(rows):  # a higher threshold sends more to fallback
        assert higher["oos_recall"] >= lower["oos_recall"]
        assert higher["fallback_rate"] >= lower["fallback_rate"]
        assert higher["in_scope_accuracy"] <= lower["in_scope_accuracy"]


def test_a_test_file_scores_intents_out_of_scope_and_entities(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": "hello there friend", "intent": "greet"},
        {"text": "one large pizza to order", "intent": "order_pizza"},
        {"text": "weather in NYC", "intent": "weather", "entities": [
            {"entity": "city", "value": "New York", "start": 11, "end": 14}
        ]},
        {"text": "xylophone quantum zebra", "intent": None},
    ]  # fmt: skip
    test = write_lines(tmp_path / "test.jsonl", lines)
    code, _, report = run_with_report(capsys, tmp_path, str(dataset_file), "--test", str(test))
    assert code == 0 and report["mode"] == "test-file"
    assert (report["in_scope"], report["out_of_scope"]) == (3, 1)
    assert report["entities"]["recall"] == 1.0 and list(report["per_entity"]) == ["city"]


def test_an_intent_without_test_utterances_has_no_recall_to_show(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test = write_lines(tmp_path / "test.jsonl", [{"text": "hello there friend", "intent": "greet"}])
    code, printed = run(capsys, str(dataset_file), "--test", str(test))
    (weather,) = [line.split() for line in printed.splitlines() if line.startswith("weather ")]
    # nothing was predicted as weather either: no precision, rather than a broken-looking 0.000
    assert code == 0 and weather[1:] == ["n/a", "n/a", "n/a", "0"]


def test_a_missing_or_malformed_file_is_a_clear_error(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "missing.json")]) == 2
    assert (
        capsys.readouterr().err
        == f"parley nlu evaluate: {tmp_path / 'missing.json'}: No such file or directory\n"
    )
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": 1}\n')
    assert main([str(dataset_file), "--test", str(bad), "--encoder", "hashing"]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err


def test_a_test_file_that_names_what_the_dataset_lacks_is_refused_with_every_problem(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": "hello there", "intent": "greeet"},
        {"text": "weather in NYC", "intent": "weather", "entities": [
            {"entity": "cty", "value": "New York", "start": 11, "end": 40}
        ]},
        {"text": 1},
        {"text": "weather in Paris", "intent": "weather", "entities": [
            {"entity": "city", "value": "Paris", "start": 5, "end": 5}
        ]},
    ]  # fmt: skip
    test = write_lines(tmp_path / "test.jsonl", lines)
    output = tmp_path / "report.json"
    code = main([str(dataset_file), "--test", str(test), "--output", str(output), "--encoder", "hashing"])
    assert code == 2 and not output.exists()
    error, *problems = capsys.readouterr().err.splitlines()
    assert error == f"parley nlu evaluate: {test}: not a valid test file (5 problems)"
    assert [problem.split(": ")[0] for problem in problems] == [
        f"  {test}:{number}" for number in (1, 2, 2, 3, 4)
    ]
    assert "intent 'greeet' is not one the model learns (did you mean 'greet'?)" in problems[0]
    assert "entity 'cty' is not one the model finds (did you mean 'city'?)" in problems[1]
    assert "characters 11..40 are not a span of the text (14 characters)" in problems[2]
    assert "not a test line" in problems[3]
    assert "characters 5..5 are not a span" in problems[4]


def test_out_of_scope_utterances_are_marked_by_no_intent_or_a_fallback_label(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [
        {"text": "hello there", "intent": "greet", "entities": [
            {"entity": "number", "value": 2, "start": 0, "end": 5}
        ]},
        {"text": "xylophone"},
        {"text": "quantum", "intent": None},
        {"text": "zebra", "intent": "fallback"},
        {"text": "violin", "intent": "Out_Of_Scope"},
        {"text": "tuba", "intent": "oos"},
    ]  # fmt: skip
    test = write_lines(tmp_path / "test.jsonl", lines)
    code, _, report = run_with_report(capsys, tmp_path, str(dataset_file), "--test", str(test))
    assert code == 0 and report["out_of_scope"] == 5


def test_the_tagger_evaluated_is_fitted_as_training_fits_it(
    shop_dataset: NluDataset, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Closed entities (listed values, a pattern) are learnt but never proposed by the published
    # tagger: cross-validation must measure that tagger, not one that also proposes them.
    fitted: list[object] = []
    fit = assessment.fit_tagger

    def recording(*args: Any, **kwargs: Any) -> Any:
        fitted.append(kwargs.get("definitions"))
        return fit(*args, **kwargs)

    monkeypatch.setattr(assessment, "fit_tagger", recording)
    assessment.cross_validate(shop_dataset, HashingEncoder())
    assert fitted and all(definitions == shop_dataset.entities for definitions in fitted)


def test_the_sentence_model_is_the_nlus_own_unless_the_options_name_another() -> None:
    environ = {"NLU_ENCODER": "onnx", "NLU_MODEL_CACHE": "/opt/parley/models"}
    settings = encoder_settings(parser().parse_args(["d.json"]), environ)
    assert (settings.encoder, settings.model_cache) == ("onnx", "/opt/parley/models")
    chosen = parser().parse_args(["d.json", "--encoder", "hashing", "--model-cache", "/tmp/cache"])
    assert (encoder_settings(chosen, environ).encoder, encoder_settings(chosen, environ).model_cache) == (
        "hashing",
        "/tmp/cache",
    )
    defaults = encoder_settings(parser().parse_args(["d.json"]), {})
    assert (defaults.encoder, defaults.model_cache) == ("onnx-int8", "var/models")


def test_a_bad_encoder_setting_is_refused_before_anything_is_encoded(
    dataset_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NLU_ENCODER", "bert")
    assert main([str(dataset_file)]) == 2
    assert "NLU_ENCODER" in capsys.readouterr().err


def test_the_json_report_is_written_only_with_output(
    dataset_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, printed = run(capsys, str(dataset_file))
    assert code == 0 and "cross-validation" in printed and "wrote" not in printed
    assert [p.name for p in tmp_path.iterdir()] == ["dataset.json"]


MISSES = [
    {"text": "hello there friend", "intent": "greet"},
    {"text": "xylophone quantum zebra", "intent": "greet"},
    {"text": "weather in Rome", "intent": "weather", "entities": [
        {"entity": "city", "value": "Rome", "start": 11, "end": 15}
    ]},
    {"text": "weather in NYC and Paris", "intent": "weather", "entities": [
        {"entity": "city", "value": "New York", "start": 11, "end": 14}
    ]},
]  # fmt: skip


def test_the_report_names_every_misclassified_utterance_and_entity_miss(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test = write_lines(tmp_path / "test.jsonl", MISSES)
    code, printed, report = run_with_report(capsys, tmp_path, str(dataset_file), "--test", str(test))
    assert code == 0
    errors = {error["text"]: error for error in report["intent_errors"]}
    assert "hello there friend" not in errors
    error = errors["xylophone quantum zebra"]
    assert error["expected"] == "greet" and error["predicted"] == "fallback"
    assert 0 <= error["confidence"] < report["threshold"]
    assert report["fallback_rate"] == len(errors) / 4  # none got a wrong intent
    (line,) = [line.split() for line in printed.splitlines() if line.endswith('"xylophone quantum zebra"')]
    assert line[:5] == ["greet", "->", "fallback", f"({error['top_intent']}", f"{error['confidence']:.2f})"]
    assert [(e["text"], e["missed"], e["spurious"]) for e in report["entity_errors"]] == [
        (
            "weather in Rome",
            [{"entity": "city", "value": "rome", "start": 11, "end": 15, "text": "Rome"}],
            [],
        ),
        (
            "weather in NYC and Paris",
            [],
            [{"entity": "city", "value": "paris", "start": 19, "end": 24, "text": "Paris"}],
        ),
    ]
    assert "missed    city 'rome' at 11..15 \"Rome\"" in printed
    assert "spurious  city 'paris' at 19..24 \"Paris\"" in printed


def test_the_headline_is_what_users_get_at_the_bots_threshold(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    test = write_lines(tmp_path / "test.jsonl", MISSES)
    _, printed, report = run_with_report(capsys, tmp_path, str(dataset_file), "--test", str(test))
    lines = printed.splitlines()
    first = lines.index("shop: test-file, 4 in-scope and 0 out-of-scope test utterances")
    right = round(report["in_scope_accuracy"] * 4)
    assert 0 < right < 4
    assert lines[first + 1 : first + 5] == [
        "at this bot's fallback threshold 0.5 (what its users get):",
        f"  in-scope accuracy   {right / 4:.1%} ({right} of 4 get the right intent;"
        f" {4 - right} go to fallback, 0 to a wrong intent)",
        "  out-of-scope recall n/a (no out-of-scope utterances)",
        f"top intent right, were there no fallback: {report['accuracy']:.1%}"
        f"   macro F1 {report['macro_f1']:.3f}",
    ]


def test_errors_prints_as_many_misses_as_asked_and_the_json_has_them_all(
    dataset_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [{"text": f"zzq{n} xylo{n}", "intent": "weather"} for n in range(12)]
    test = write_lines(tmp_path / "test.jsonl", lines)
    _, printed, report = run_with_report(capsys, tmp_path, str(dataset_file), "--test", str(test))
    assert len(report["intent_errors"]) == 12
    assert printed.count("weather -> ") == 10 and "the 10 worst; --errors all prints every one" in printed
    _, printed = run(capsys, str(dataset_file), "--test", str(test), "--errors", "3")
    assert printed.count("weather -> ") == 3
    _, printed = run(capsys, str(dataset_file), "--test", str(test), "--errors", "all")
    assert printed.count("weather -> ") == 12 and "worst first" in printed


def test_a_bad_errors_count_is_refused(dataset_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([str(dataset_file), "--errors", "some", "--encoder", "hashing"])
    assert exited.value.code == 2
    assert "'some' is not a count: give a whole number such as 20, or all" in capsys.readouterr().err


def test_cross_validation_lists_the_held_out_examples_it_got_wrong(
    dataset_file: Path, shop_dataset: NluDataset, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, report = run_with_report(capsys, tmp_path, str(dataset_file))
    texts = {e.text: i.name for i in shop_dataset.intents for e in i.examples}
    wrong = round((1 - report["in_scope_accuracy"]) * report["in_scope"])
    assert wrong and len(report["intent_errors"]) == wrong  # only in-scope: left-out intents are no errors
    for error in report["intent_errors"]:
        assert texts[error["text"]] == error["expected"] != error["predicted"]


def test_a_test_file_is_read_as_the_service_reads_it_with_typos_mended(shop_dataset: NluDataset) -> None:
    class Recording(HashingEncoder):
        def __init__(self) -> None:
            super().__init__()
            self.seen: list[str] = []

        def encode(self, texts: list[str]) -> Any:
            self.seen.extend(texts)
            return super().encode(texts)

    encoder = Recording()
    assessment.test_file(shop_dataset, [assessment.TestLine(text="weathr todya", intent="weather")], encoder)
    assert encoder.seen[-1] == "weather today"
