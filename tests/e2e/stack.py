"""What the e2e tests know of a running Parley."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Running:
    base_url: str
    ws_url: str
    token: str

    @property
    def admin(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.token}"}
