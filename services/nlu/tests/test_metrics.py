"""Per-intent scores, confusions and entity scores."""

from __future__ import annotations

import numpy as np

from parley_nlu.metrics import entity_key, entity_misses, entity_scores, intent_report


def test_per_intent_precision_recall_and_the_most_confused_pair() -> None:
    truth = np.array([0, 0, 0, 1, 1, 2])
    predicted = np.array([0, 0, 1, 1, -1, 2])
    report = intent_report(truth, predicted, 3)
    assert report.per_intent[0].recall == 2 / 3 and report.per_intent[0].precision == 1.0
    assert report.per_intent[1].precision == 0.5 and report.per_intent[1].recall == 0.5
    assert [(c.truth, c.predicted, c.count) for c in report.confusions] == [(0, 1, 1)]


def test_an_entity_matches_by_type_value_and_overlapping_span() -> None:
    gold = [[entity_key("city", "Paris", 0, 5), entity_key("city", "Rome", 9, 13)]]
    found = [[entity_key("city", "paris", 0, 6), entity_key("city", "Milan", 9, 13)]]
    scores = entity_scores(gold, found)
    assert (scores.matched, scores.recall, scores.precision) == (1, 0.5, 0.5)


def test_entity_misses_are_the_expected_entities_not_found_and_the_found_ones_not_expected() -> None:
    gold = [entity_key("city", "Paris", 0, 5), entity_key("city", "Rome", 9, 13)]
    found = [entity_key("city", "Milan", 9, 13), entity_key("city", "paris", 0, 6)]
    missed, spurious = entity_misses(gold, found)
    assert missed == [("city", "rome", 9, 13)] and spurious == [("city", "milan", 9, 13)]
    assert entity_misses(gold, gold) == ([], [])
