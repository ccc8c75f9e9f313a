"""The sections of an arrangement in the header's service navigation: Overview, Performance,
Workforce, Money, Transformation, Packs. The base template knows none of them: each app
registers its own section in its ``AppConfig.ready``::

    section("money", label="Money", url_name="contracts:overview", order=40,
            kind=Kind.CONTRACT, covers=("contracts",))

A section is shown on every page of an arrangement (a page whose address names the
arrangement's code) to a person whose role may open its main page, decided by
``trust_portal/accounts/permissions.py`` as the page decides it (``role_allows`` for the
section's kind and action; the page has already checked that the person is part of the
arrangement). Sections a role may not see are left out, never greyed out.

``covers`` names the URL namespaces (``"performance"``) or view names
(``"accounts:arrangement-detail"``) of the section's pages: on those pages the section is marked
as the current one (``aria-current``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from trust_portal.accounts.permissions import (
    Action,
    Kind,
    arrangements_for,
    is_active_user,
    role_allows,
)


@dataclass(frozen=True)
class Section:
    name: str
    label: str
    url_name: str  # reversed with the arrangement's code
    order: int
    kind: Kind  # who may see it: the role may take ``action`` on this kind
    action: Action = Action.VIEW_APPROVED
    covers: tuple[str, ...] = ()

    def visible_to(self, user) -> bool:
        return is_active_user(user) and role_allows(user.role, self.kind, self.action)


@dataclass(frozen=True)
class Shown:
    """A section as the navigation shows it on one page."""

    label: str
    url: str
    current: bool  # the page is one of the section's
    is_page: bool  # the page is the section's main page itself


_SECTIONS: dict[str, Section] = {}


def section(
    name: str,
    *,
    label: str,
    url_name: str,
    order: int,
    kind: Kind,
    action: Action = Action.VIEW_APPROVED,
    covers=(),
) -> None:
    entry = Section(name, label, url_name, order, kind, action, tuple(covers))
    if _SECTIONS.get(name, entry) != entry:
        raise RuntimeError(f"Two navigation sections are named {name!r}.")
    _SECTIONS[name] = entry


def sections() -> list[Section]:
    """Every registered section, in its order."""
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.name))


def arrangement_of_page(request, arrangement=None):
    """The arrangement the page belongs to, or None: the one the view gave its template (it
    checked the person is part of it), else the one named by the address, if the person is part
    of it (a page that answers 404 or 403 shows no sections of an arrangement it hides)."""
    match = getattr(request, "resolver_match", None)
    code = match.kwargs.get("code") if match else None
    if not code or not isinstance(code, str):
        return None
    if arrangement is not None and getattr(arrangement, "code", "").upper() == code.upper():
        return arrangement
    return arrangements_for(request.user).filter(trust__code=code.upper()).first()


def sections_for(request, arrangement) -> list[Shown]:
    """The sections this person may open in the arrangement, the page's own marked."""
    match = request.resolver_match
    shown = []
    for entry in sections():
        if not entry.visible_to(request.user):
            continue
        url = reverse(entry.url_name, args=[arrangement.code])
        current = bool(match) and (
            match.view_name in entry.covers or match.namespace in entry.covers
        )
        shown.append(Shown(entry.label, url, current, request.path == url))
    return shown


# The arrangement's own page is the core's.
section(
    "overview",
    label="Overview",
    url_name="accounts:arrangement-detail",
    order=10,
    kind=Kind.ARRANGEMENT,
    covers=("accounts:arrangement-detail", "dashboards"),
)
