"""Builders turn one arrangement's approved data into a dashboard snapshot (plain JSON).

Each app registers its own in its ``dashboards.py``::

    @builder("summary", source="organisations and users")
    def build_summary(arrangement) -> dict: ...
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Builder:
    name: str
    build: Callable
    source: str


_BUILDERS: dict[str, Builder] = {}


def builder(name: str, *, source: str):
    def register(function):
        if name in _BUILDERS and _BUILDERS[name].build is not function:
            raise RuntimeError(f"Two dashboard builders are named {name!r}.")
        _BUILDERS[name] = Builder(name=name, build=function, source=source)
        return function

    return register


def builders() -> dict[str, Builder]:
    return dict(_BUILDERS)
