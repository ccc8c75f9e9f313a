"""Builders turn one arrangement's approved data into a dashboard snapshot (plain JSON).

Each app registers its own in its ``dashboards.py``::

    @builder("finance", title="Finance", source="agreed contract years and payments", order=30)
    def build_finance(arrangement) -> dict: ...

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


_BUILDERS: dict[str, Builder] = {}


def builder(name: str, *, source: str, title: str = "", order: int | None = None):
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
        )
        return function

    return register


def builders() -> dict[str, Builder]:
    return dict(_BUILDERS)


def listed() -> list[Builder]:
    """The dashboards people open, in their order."""
    return sorted((b for b in _BUILDERS.values() if b.listed), key=lambda b: (b.order, b.name))
