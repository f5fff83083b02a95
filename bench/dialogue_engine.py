"""Turn-engine latency: Parley's cached, pure turn vs a naive turn that reloads the bot per turn.

    .venv/bin/python bench/dialogue_engine.py [--conversations 300] [--rounds 5]

Both replay the same conversations of the AI Chatbot Framework's example bots (restaurant search:
prompt, prompt, templated reply; order status: prompt, then the webhook's answer rendered) with
parses scripted in advance, so neither the NLU nor any I/O is measured.

- parley: what `DialogueService.turn` does between the NLU and the stores: decode the stored
  state, `advance`, render the webhook reply (`finish`), encode the state. The bot definition is
  parsed once (the service caches it per version) and templates compile once.
- naive: what ACF does per turn: reload the bot from its stored document (decode, convert from
  the ACF format, validate, check every template) and compile the templates it renders afresh.

Each figure is the median over `--rounds` rounds of that round's percentile. Budget: p50 <= 1 ms.
Not a test: it prints numbers and never fails on timing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import msgspec

from parley_dialogue import templates
from parley_dialogue.completion import finish
from parley_dialogue.conversation import ConversationState, new_state
from parley_dialogue.definition import BotDefinition
from parley_dialogue.documents import parse_document
from parley_dialogue.engine import advance
from parley_dialogue.testing import parsed
from parley_messages import EntityValue, IntentScore, ParseResult

EXAMPLES = Path(__file__).parent.parent / "services/dialogue/tests/acf_examples"
BUDGET_MS = 1.0
Turn = tuple[str, ParseResult]
_state_codec = (msgspec.json.Encoder(), msgspec.json.Decoder(ConversationState))


def entity_parse(intent: str, confidence: float, entity: str, value: str) -> ParseResult:
    found = EntityValue(entity=entity, value=value, start=0, end=len(value), extractor="crf")
    return ParseResult(intent=IntentScore(name=intent, confidence=confidence), ranking=[], entities=[found])


SCRIPTS: dict[str, list[Turn]] = {
    "restaurant_search": [
        ("i'm looking for a place to eat", parsed("restaurant_search", 0.99)),
        ("banglore", entity_parse("restaurant_search", 0.97, "location", "banglore")),
        ("chinese", entity_parse("restaurant_search", 0.61, "cuisine", "Chinese")),
    ],
    "order_status": [
        ("What is my order status", parsed("check_order_status", 0.99)),
        ("ORD654321", entity_parse("check_order_status", 0.95, "order_number", "ORD654321")),
    ],
}
WEBHOOK_ANSWER = {"status": "shipped"}


def play(bot: BotDefinition, script: list[Turn], conversation_id: str, samples: list[float], *, load) -> None:
    """One conversation; appends each turn's seconds to `samples`. `load` yields the bot per turn."""
    stored = _state_codec[0].encode(new_state(bot, conversation_id, 1, {}))
    rng = random.Random(7)
    for text, parse in script:
        started = time.perf_counter()
        definition = load()
        state = _state_codec[1].decode(stored)
        state, outcome = advance(state, parse, text, definition, {}, version=1, rng=rng)
        if outcome.action is not None:
            outcome = finish(outcome, definition, WEBHOOK_ANSWER, rng=rng)
        stored = _state_codec[0].encode(state)
        samples.append(time.perf_counter() - started)
        assert outcome.messages, (text, outcome)


def round_of(documents: dict[str, bytes], conversations: int, *, naive: bool) -> list[float]:
    bots = {name: parse_document(raw, name=name) for name, raw in documents.items()}
    samples: list[float] = []
    for n in range(conversations):
        name = list(SCRIPTS)[n % len(SCRIPTS)]
        load: Callable[[], BotDefinition] = (
            (lambda name=name: reload(documents[name], name)) if naive else (lambda name=name: bots[name])
        )
        play(bots[name], SCRIPTS[name], f"c{n}", samples, load=load)
    return samples


def reload(raw: bytes, name: str) -> BotDefinition:
    """The naive turn's bot: parsed and validated from its document, templates compiled afresh."""
    templates._compile.cache_clear()  # pyright: ignore[reportPrivateUsage]
    return parse_document(raw, "application/json", name=name)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    documents = {name: (EXAMPLES / f"{name}.json").read_bytes() for name in SCRIPTS}
    results: dict[str, list[tuple[float, float]]] = {"parley": [], "naive": []}
    round_of(documents, 20, naive=False)  # warm-up: imports, first compilations
    for _ in range(args.rounds):
        for label, rows in results.items():
            samples = round_of(documents, args.conversations, naive=label == "naive")
            rows.append((percentile(samples, 0.5), percentile(samples, 0.99)))
    turns = args.conversations * 5 // 2
    print(f"turn engine, ~{turns} turns per round, median of {args.rounds} rounds (ms per turn)")
    print(f"{'':8}{'p50':>10}{'p99':>10}")
    medians = {
        label: (statistics.median(p50 for p50, _ in rows), statistics.median(p99 for _, p99 in rows))
        for label, rows in results.items()
    }
    for label, (p50, p99) in medians.items():
        print(f"{label:8}{p50:10.3f}{p99:10.3f}")
    speedup = medians["naive"][0] / medians["parley"][0]
    verdict = "within" if medians["parley"][0] <= BUDGET_MS else "OVER"
    print(f"parley p50 is {speedup:.1f}x faster than naive; {verdict} the {BUDGET_MS} ms budget")


if __name__ == "__main__":
    main()
