"""`python -m parley_nlu.trainer` reports every bad setting of every group at once."""

from __future__ import annotations

import pytest

from parley_nlu.trainer import main
from parley_runtime.errors import SettingsError

BAD = {
    "PARLEY_BUS": "carrier-pigeon",
    "NLU_ENCODER": "bogus",
    "WORKER_CONCURRENCY": "0",
}


def test_the_trainer_lists_the_bad_settings_of_every_group_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in BAD.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as info:
        main()
    reported = str(info.value)
    assert [name for name in BAD if name in reported] == list(BAD)
