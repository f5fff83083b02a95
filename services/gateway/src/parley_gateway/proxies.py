"""Which peers' `X-Forwarded-For` the gateway believes: `GATEWAY_FORWARDED_ALLOW_IPS`, checked at
start. Pure, and free of the web server (the `cli` image imports the gateway's settings).

uvicorn takes a visitor's address from `X-Forwarded-For` only when the connection comes from one of
these addresses or networks: the address it then takes is the last one in the header that is not
itself trusted, so a visitor cannot claim another's by writing the header. A name, or a network with
a typo, would be kept by uvicorn as text no peer address ever equals, and every visitor behind the
proxy would share its address in the per-address rate limit without a word.
"""

from __future__ import annotations

import ipaddress

VARIABLE = "GATEWAY_FORWARDED_ALLOW_IPS"


def proxy_problems(entries: list[str]) -> list[str]:
    """One line for each entry that is neither `*`, an IP address nor a network (CIDR)."""
    problems = [f"{VARIABLE}: {entry!r}: {problem}" for entry in entries if (problem := _problem(entry))]
    if "*" in entries and len(entries) > 1:  # uvicorn trusts any peer only for `*` alone
        problems.append(f"{VARIABLE}: '*' trusts every peer, and stands alone")
    return problems


def _problem(entry: str) -> str | None:
    if entry == "*":
        return None
    try:
        if "/" in entry:
            ipaddress.ip_network(entry)
        else:
            ipaddress.ip_address(entry)
    except ValueError as exc:
        if "has host bits set" in str(exc):
            meant = ipaddress.ip_network(entry, strict=False)
            return f"a network's address ends in zero bits (did you mean '{meant}'?)"
        return f"give the proxies' IP addresses or networks (10.0.0.0/16), or * for any: {exc}"
    return None
