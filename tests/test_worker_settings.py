"""The worker entry points report every bad setting of every group they read at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parley_dialogue import notifier
from parley_nlu import trainer
from parley_runtime.errors import SettingsError

COMMON = {"PARLEY_BUS": "carrier-pigeon", "WORKER_CONCURRENCY": "0"}


@pytest.mark.parametrize(
    ("main", "own"),
    [(notifier.main, {"DIALOGUE_LOCK_SECONDS": "soon"}), (trainer.main, {"NLU_ENCODER": "bogus"})],
    ids=["notifier", "trainer"],
)
def test_an_entry_point_lists_the_bad_settings_of_every_group_at_once(
    main: Callable[[], None], own: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = {**COMMON, **own}
    for name, value in bad.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        main()
    assert [name for name in bad if name in str(info.value)] == list(bad)
