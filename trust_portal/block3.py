"""What has been drawn from a contract year's Block 3 transformation fund.

The contracts app shows it (the contract year's page and API, the finance dashboard) but does not
keep it: the transformation programme's approved business cases draw the money, and that app
registers how to read the total (its ``AppConfig.ready``). Contracts asks here, so it imports
nothing of the programme; with no programme installed nothing has been drawn.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DrawnSource:
    drawn: Callable  # (contract year, on=None: by that day) -> Decimal
    prefetch: tuple[str, ...] = ()  # what a list of contract years prefetches for ``drawn``


_SOURCES: list[DrawnSource] = []


def register(*, drawn: Callable, prefetch: tuple[str, ...] = ()) -> None:
    source = DrawnSource(drawn=drawn, prefetch=prefetch)
    if source not in _SOURCES:
        _SOURCES.append(source)


def drawn(contract_year, on: date | None = None) -> Decimal:
    """The total drawn from the year's Block 3 fund (by the day ``on``, if given)."""
    return sum((source.drawn(contract_year, on=on) for source in _SOURCES), Decimal("0.00"))


def prefetch() -> list[str]:
    """Lookups to prefetch on contract years whose ``drawn`` is read in a loop."""
    return [lookup for source in _SOURCES for lookup in source.prefetch]
