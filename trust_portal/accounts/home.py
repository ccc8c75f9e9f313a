"""What the home page shows in each arrangement's card besides its summary: notices the apps
register, so the core names no domain app (today, the performance app's overdue returns).

An app registers its notice in its ``AppConfig.ready``::

    home_notice("overdue-returns", find=overdue_returns, roles=(...),
                template="performance/_overdue_warning.html")

``find(arrangement, today=...)`` returns what the notice is about; nothing found, no notice.
The template is included in the card with it as ``found`` (and the ``arrangement``).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class HomeNotice:
    name: str
    find: Callable
    template: str
    roles: tuple[str, ...]  # the roles it is shown to


@dataclass(frozen=True)
class Shown:
    template: str
    found: object


_NOTICES: dict[str, HomeNotice] = {}


def home_notice(name: str, *, find: Callable, template: str, roles) -> None:
    notice = HomeNotice(name, find, template, tuple(roles))
    if _NOTICES.get(name, notice) != notice:
        raise RuntimeError(f"Two home-page notices are named {name!r}.")
    _NOTICES[name] = notice


def notices_for(user, arrangement, *, today: date) -> list[Shown]:
    """The notices this user sees in the arrangement's card, in the order registered."""
    shown = []
    for notice in _NOTICES.values():
        if user.role not in notice.roles:
            continue
        found = notice.find(arrangement, today=today)
        if found:
            shown.append(Shown(notice.template, found))
    return shown
