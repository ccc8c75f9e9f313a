"""Builders turn one arrangement's approved data into a dashboard snapshot (plain JSON).

Each app registers its own in its ``dashboards.py``::

    @builder("finance", title="Finance", source="agreed contract years and payments", order=30)
    def build_finance(arrangement) -> dict: ...

and, there too, what it adds to the scrutiny committee pack (``packs.py``): a section printed
from one of its snapshots, and the returns whose approval state the pack's cover gives::

    pack_section("finance", title="Finance summary", missing="No ... for {month}.", order=20)
    pack_return("Budget monitoring", BudgetReturn, order=30)

The dashboards app imports every installed app's ``dashboards.py`` when Django starts
(``DashboardsConfig.ready``), so the core names no domain app and no app is left out.

What a builder returns is described in ``trust_portal/dashboards/figures.py``. A builder reads
approved data only: everything in a snapshot may be shown to anyone who may see dashboards
(scrutiny members and DfE observers included).
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Builder:
    name: str
    build: Callable
    source: str
    title: str = ""
    # Listed on the dashboards page, in this order; the home page's summary is not.
    listed: bool = False
    order: int = 0
    # Its page shows one month at a time, chosen with ?month=YYYY-MM (the snapshot's "months").
    by_month: bool = False


_BUILDERS: dict[str, Builder] = {}


def builder(
    name: str, *, source: str, title: str = "", order: int | None = None, by_month: bool = False
):
    def register(function):
        if name in _BUILDERS and _BUILDERS[name].build is not function:
            raise RuntimeError(f"Two dashboard builders are named {name!r}.")
        _BUILDERS[name] = Builder(
            name=name,
            build=function,
            source=source,
            title=title or name.title(),
            listed=order is not None,
            order=order or 0,
            by_month=by_month,
        )
        return function

    return register


def builders() -> dict[str, Builder]:
    return dict(_BUILDERS)


def listed() -> list[Builder]:
    """The dashboards people open, in their order."""
    return sorted((b for b in _BUILDERS.values() if b.listed), key=lambda b: (b.order, b.name))


# --- The scrutiny committee pack ------------------------------------------------------------


@dataclass(frozen=True)
class PackSection:
    """A section of the pack: the ``pack`` part of the snapshot ``name``."""

    name: str
    title: str
    missing: str  # what a month without the snapshot says; "{month}" names the month
    order: int


@dataclass(frozen=True)
class PackReturn:
    """A kind of return whose approval state for the month the pack's cover gives."""

    label: str
    model: type  # a trust_portal.approvals Submission: arrangement, period, state, revision
    order: int


_PACK_SECTIONS: dict[str, PackSection] = {}
_PACK_RETURNS: dict[str, PackReturn] = {}


def _register(registry: dict, key: str, entry) -> None:
    if registry.get(key, entry) != entry:
        raise RuntimeError(f"Two pack entries are named {key!r}.")
    registry[key] = entry


def pack_section(name: str, *, title: str, missing: str, order: int) -> None:
    _register(_PACK_SECTIONS, name, PackSection(name, title, missing, order))


def pack_return(label: str, model: type, *, order: int) -> None:
    _register(_PACK_RETURNS, label, PackReturn(label, model, order))


def pack_sections() -> list[PackSection]:
    """The pack's sections, in their order."""
    return sorted(_PACK_SECTIONS.values(), key=lambda s: (s.order, s.name))


def pack_returns() -> list[PackReturn]:
    """The returns on the pack's cover, in their order."""
    return sorted(_PACK_RETURNS.values(), key=lambda r: (r.order, r.label))
