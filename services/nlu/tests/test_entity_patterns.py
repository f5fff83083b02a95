"""Regex entities run on RE2: linear in the text, whatever pattern a dataset brings."""

from __future__ import annotations

import msgspec
import pytest

from parley_messages import EntityDef, NluDataset
from parley_nlu.encoder import HashingEncoder
from parley_nlu.entities import EntityExtractor
from parley_nlu.trainer import train
from parley_runtime.errors import InvalidInputError


def found(extractor: EntityExtractor, text: str) -> list[tuple[str, str, str]]:
    return [(e.entity, e.value, text[e.start : e.end]) for e in extractor.extract(text)]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("pattern", ["(a|a)*c", r"\w*\w*\w*\w*\w*\w*\w*\w*\w*\w*c", "(a+)+b"])
def test_a_pattern_that_would_backtrack_forever_reads_a_long_utterance_at_once(pattern: str) -> None:
    extractor = EntityExtractor([EntityDef(name="code", pattern=pattern)])
    assert [e for e in extractor.extract("a" * 2_000) if e.entity == "code"] == []


@pytest.mark.parametrize("pattern", [r"(?=ORD)\w+", r"(?<!x)y", r"(\w)\1"])
def test_a_dataset_pattern_re2_cannot_run_is_refused_naming_the_entity(pattern: str) -> None:
    with pytest.raises(InvalidInputError, match=r"entity 'code': invalid pattern: invalid"):
        EntityExtractor([EntityDef(name="code", pattern=pattern)])


def test_training_on_a_dataset_whose_pattern_re2_cannot_run_is_refused(
    shop_dataset: NluDataset, encoder: HashingEncoder
) -> None:
    lookbehind = EntityDef(name="code", pattern=r"(?<=#)\d+")
    dataset = msgspec.structs.replace(shop_dataset, entities=[*shop_dataset.entities, lookbehind])
    with pytest.raises(InvalidInputError, match="entity 'code': invalid pattern"):
        train(dataset, encoder)


def test_patterns_still_ignore_case() -> None:
    extractor = EntityExtractor([EntityDef(name="order", pattern=r"ORD\d{6}")])
    assert found(extractor, "where is ord123456") == [("order", "ord123456", "ord123456")]


def test_offsets_count_characters_not_bytes() -> None:
    extractor = EntityExtractor([EntityDef(name="order", pattern=r"ORD\d{6}")])
    assert found(extractor, "où est ORD123456 ?") == [("order", "ORD123456", "ORD123456")]


def test_a_case_sensitive_group_and_the_first_group_as_value_still_work() -> None:
    flight = EntityDef(name="flight", pattern=r"\b(?-i:[A-Z]{2})(\d{2,4})\b")
    assert found(EntityExtractor([flight]), "flight BA2490 or ba2490") == [("flight", "2490", "BA2490")]
