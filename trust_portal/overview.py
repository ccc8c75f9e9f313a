"""The arrangement's headline: one tile per app on the arrangement's page (this month's RAG
counts, the contract sum and forecast variance, Block 3 remaining, the vacancy rate, the latest
pack), each linking onwards to its page. The core names no domain app: each app registers its
tile in its ``AppConfig.ready``::

    @tile("money", title="Money", snapshot="finance", url_name="contracts:overview",
          kind=Kind.CONTRACT, order=30, missing="No agreed contract year yet.")
    def money_tile(arrangement, snapshot) -> Headline | None: ...

A tile reads the figures its app's snapshot already holds (``snapshot`` is the version in
force, or None before the first): the page computes nothing across months. It returns None
when there is nothing to show, and the page says ``missing`` instead. A tile is shown to a
person whose role may open its page (``role_allows`` for ``kind`` and ``action``, as the page
decides it; the page has already checked that the person is part of the arrangement).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from trust_portal.accounts.permissions import Action, Kind, is_active_user, role_allows


@dataclass(frozen=True)
class Figure:
    """One figure on a tile: money (a decimal string, shown in pounds) or words."""

    label: str
    value: str | None
    kind: str = "text"  # "money" or "text"
    note: str = ""  # how it is made up, in words ("20.00 ÷ 139.00")


@dataclass(frozen=True)
class Headline:
    """What a tile shows: when the figures are of (``period``), its figures, and optionally a
    small table (``columns``: labels; ``rows``: cells, the first a row heading)."""

    period: str
    figures: list[Figure] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    caption: str = ""
    # Where the link goes when it is not the tile's page (e.g. one issued pack), and its words.
    url: str = ""
    link_text: str = ""


@dataclass(frozen=True)
class Tile:
    name: str
    title: str
    read: Callable
    snapshot: str | None  # the snapshot it reads, or None for a tile that reads its own rows
    url_name: str  # reversed with the arrangement's code
    link_text: str
    kind: Kind
    action: Action
    order: int
    missing: str
    url_args: tuple = ()  # after the arrangement's code

    def visible_to(self, user) -> bool:
        return is_active_user(user) and role_allows(user.role, self.kind, self.action)


@dataclass(frozen=True)
class Shown:
    """A tile as the page shows it: its headline (None: ``missing`` is said instead)."""

    tile: Tile
    headline: Headline | None
    url: str
    link_text: str


_TILES: dict[str, Tile] = {}


def tile(
    name: str,
    *,
    title: str,
    url_name: str,
    link_text: str,
    kind: Kind,
    order: int,
    missing: str,
    snapshot: str | None = None,
    action: Action = Action.VIEW_APPROVED,
    url_args=(),
):
    """Register ``read(arrangement, snapshot) -> Headline | None`` as a tile of the headline."""

    def register(read):
        entry = Tile(
            name,
            title,
            read,
            snapshot,
            url_name,
            link_text,
            kind,
            action,
            order,
            missing,
            tuple(url_args),
        )
        known = _TILES.get(name)
        if known is not None and known.read is not read:
            raise RuntimeError(f"Two headline tiles are named {name!r}.")
        _TILES[name] = entry
        return read

    return register


def tiles() -> list[Tile]:
    return sorted(_TILES.values(), key=lambda t: (t.order, t.name))


def headline_for(user, arrangement) -> list[Shown]:
    """The tiles this person may see, each with its headline, the snapshots read in one query."""
    from trust_portal.dashboards.models import Snapshot

    visible = [t for t in tiles() if t.visible_to(user)]
    names = {t.snapshot for t in visible if t.snapshot}
    rows = Snapshot.objects.filter(arrangement=arrangement, name__in=names).in_force()
    snapshots = {s.name: s for s in rows} if names else {}
    shown = []
    for entry in visible:
        headline = entry.read(arrangement, snapshots.get(entry.snapshot))
        url = (headline and headline.url) or reverse(
            entry.url_name, args=[arrangement.code, *entry.url_args]
        )
        words = (headline and headline.link_text) or entry.link_text
        shown.append(Shown(entry, headline, url, words))
    return shown


def block(data: dict | None, block_id: str) -> dict | None:
    """A snapshot's block by its id, or None."""
    for candidate in (data or {}).get("blocks", []):
        if candidate.get("id") == block_id:
            return candidate
    return None


def records(block_: dict | None) -> list[dict]:
    """A table block's rows as {column key: cell} (empty for a note or no block)."""
    if not block_ or "table" not in block_:
        return []
    keys = [c["key"] for c in block_["table"]["columns"]]
    return [dict(zip(keys, row, strict=True)) for row in block_["table"]["rows"]]
