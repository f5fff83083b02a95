"""NLU settings: how the encoder's thread count is resolved."""

from __future__ import annotations

import os

import pytest

from parley_nlu.settings import load_nlu_settings


def test_zero_threads_means_every_core_this_process_may_use() -> None:
    settings = load_nlu_settings({})
    assert settings.threads == 0
    assert settings.encoder_threads() == len(os.sched_getaffinity(0))


def test_an_explicit_thread_count_is_kept() -> None:
    assert load_nlu_settings({"NLU_THREADS": "3"}).encoder_threads() == 3


def test_platforms_without_affinity_use_the_core_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "sched_getaffinity")
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert load_nlu_settings({}).encoder_threads() == 6
