"""An `Assessment` as `parley nlu evaluate` prints it: what the bot's users get at its fallback
threshold first, then the figures to choose a threshold and find weak intents by, and last the
utterances it got wrong, worst first, which are what an author acts on."""

from __future__ import annotations

import json
from typing import TextIO

from parley_nlu.assessment import Assessment
from parley_nlu.misses import EntitySpan, IntentError
from parley_nlu.model import FALLBACK_INTENT

SHOWN_ERRORS = 10
"""Misclassified utterances (and utterances with entity misses) printed unless `--errors` says."""


def print_report(a: Assessment, out: TextIO, *, errors_shown: int | None = SHOWN_ERRORS) -> None:
    """`errors_shown`: how many misclassified utterances and entity misses to print; None: all."""
    _headline(a, out)
    _thresholds(a, out)
    _intents(a, out)
    _entities(a, out)
    _intent_errors(a, out, errors_shown)
    _entity_errors(a, out, errors_shown)


def _headline(a: Assessment, out: TextIO) -> None:
    held = "held-out examples" if a.mode == "cross-validation" else "test utterances"
    print(f"{a.bot}: {a.mode}, {a.in_scope} in-scope and {a.out_of_scope} out-of-scope {held}", file=out)
    right, fell = round(a.in_scope_accuracy * a.in_scope), round(a.fallback_rate * a.in_scope)
    print(f"at this bot's fallback threshold {a.threshold} (what its users get):", file=out)
    print(
        f"  in-scope accuracy   {a.in_scope_accuracy:.1%} ({right} of {a.in_scope} get the right intent; "
        f"{fell} go to fallback, {a.in_scope - right - fell} to a wrong intent)",
        file=out,
    )
    if a.oos_recall is None:
        print("  out-of-scope recall n/a (no out-of-scope utterances)", file=out)
    else:
        caught = round(a.oos_recall * a.out_of_scope)
        print(
            f"  out-of-scope recall {a.oos_recall:.1%} ({caught} of {a.out_of_scope} go to fallback)",
            file=out,
        )
        if a.mode == "cross-validation":
            print("  (out of scope here: examples of intents left out of training)", file=out)
    print(f"top intent right, were there no fallback: {a.accuracy:.1%}   macro F1 {a.macro_f1:.3f}", file=out)


def _thresholds(a: Assessment, out: TextIO) -> None:
    print(
        f"\n{'threshold':>9} {'in-scope accuracy':>17} {'out-of-scope recall':>19} {'fallback rate':>13}",
        file=out,
    )
    for row in a.thresholds:
        recall = "n/a" if row.oos_recall is None else f"{row.oos_recall:.1%}"
        mark = "  <- this bot's" if abs(row.threshold - a.threshold) < 1e-9 else ""
        scores = f"{row.in_scope_accuracy:>17.1%} {recall:>19} {row.fallback_rate:>13.1%}"
        print(f"{row.threshold:>9.1f} {scores}{mark}", file=out)


def _intents(a: Assessment, out: TextIO) -> None:
    print(f"\n{'intent':<32} {'precision':>9} {'recall':>7} {'F1':>6} {'n':>5}", file=out)
    for row in sorted(a.per_intent, key=lambda r: (r.f1, r.intent)):
        precision = f"{row.precision:>9.3f}" if row.predicted else f"{'n/a':>9}"
        recall = f"{row.recall:>7.3f}" if row.support else f"{'n/a':>7}"
        f1 = f"{row.f1:>6.3f}" if row.support else f"{'n/a':>6}"
        print(f"{row.intent:<32} {precision} {recall} {f1} {row.support:>5}", file=out)
    if a.confused_pairs:
        print("\nmost confused (truth -> predicted)", file=out)
        for pair in a.confused_pairs:
            print(f"  {pair.count:>3}  {pair.truth} -> {pair.predicted}", file=out)


def _entities(a: Assessment, out: TextIO) -> None:
    e = a.entities
    print(
        f"\nentities: precision {e.precision:.3f} recall {e.recall:.3f} F1 {e.f1:.3f} "
        f"({e.matched} of {e.expected} expected found, {e.found} found)",
        file=out,
    )
    for name, s in a.per_entity.items():
        print(f"  {name:<30} P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f} n {s.expected}", file=out)


def _intent_errors(a: Assessment, out: TextIO, shown: int | None) -> None:
    errors = a.intent_errors
    wrong_in = sum(e.expected is not None for e in errors)
    counts = f"{wrong_in} of {a.in_scope} in-scope"
    if a.mode == "test-file":
        counts += f", {len(errors) - wrong_in} of {a.out_of_scope} out-of-scope"
    print(f"\nmisclassified: {counts if errors else 'none'}{_how_many(len(errors), shown)}", file=out)
    listed = errors if shown is None else errors[:shown]
    rows = [(_outcome(e), _confidence(e), _quoted(e.text)) for e in listed]
    widths = [max((len(row[i]) for row in rows), default=0) for i in (0, 1)]
    for outcome, confidence, text in rows:
        print(f"  {outcome:<{widths[0]}}  {confidence:<{widths[1]}}  {text}", file=out)


def _outcome(error: IntentError) -> str:
    return f"{error.expected or 'out of scope'} -> {error.predicted}"


def _confidence(error: IntentError) -> str:
    """The top intent's confidence; named when it is not the intent answered (fallback)."""
    if error.predicted == FALLBACK_INTENT:
        return f"({error.top_intent} {error.confidence:.2f})"
    return f"({error.confidence:.2f})"


def _entity_errors(a: Assessment, out: TextIO, shown: int | None) -> None:
    if not a.entities.expected:
        return  # nothing annotated: no entity type is scored
    errors = a.entity_errors
    count = f"{len(errors)} utterance{'' if len(errors) == 1 else 's'}" if errors else "none"
    print(f"\nentity misses: {count}{_how_many(len(errors), shown)}", file=out)
    for error in errors if shown is None else errors[:shown]:
        print(f"  {_quoted(error.text)}", file=out)
        for span in error.missed:
            print(f"    missed    {_span(span)}", file=out)
        for span in error.spurious:
            print(f"    spurious  {_span(span)}", file=out)


def _span(span: EntitySpan) -> str:
    return f"{span.entity} {span.value!r} at {span.start}..{span.end} {_quoted(span.text)}"


def _how_many(total: int, shown: int | None) -> str:
    if total == 0 or shown is None or total <= shown:
        return "" if total == 0 else " (worst first)"
    return f" (the {shown} worst; --errors all prints every one, --output writes them all)"


def _quoted(text: str) -> str:
    """In double quotes, with quotes, backslashes and control characters escaped as JSON does."""
    return json.dumps(text, ensure_ascii=False)
