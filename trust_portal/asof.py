"""``?as_of=``: a dashboard, its downloads, the scrutiny pack's preview and the dashboards API
as the figures stood at a past moment ("what did the committee see in March?").

A date (``2025-03-31``) means the end of that day in UK time: the figures anyone could have
seen that day. A date and time (``2025-03-31T14:05``, UK time unless it names its offset) means
that moment. A moment in the future is refused: no one has seen those figures yet. Today's date
means now.

Pages that honour it take ``as_of_request(request)``; a page shown as of a past moment says so
in a banner (``templates/includes/as_of_banner.html``), and its links to other such pages and
its downloads carry the moment on (``as_of_query``).
"""

from dataclasses import dataclass
from datetime import datetime, time
from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

HOW = "Enter a date, like 2025-03-31, or a date and time, like 2025-03-31T14:05."


class AsOfError(ValueError):
    """What is wrong with the moment asked for, in words fit for the page."""


@dataclass(frozen=True)
class AsOf:
    """A past moment asked for: when it is, and how it was written (links carry that on)."""

    moment: datetime
    text: str
    end_of_day: bool

    @property
    def words(self) -> str:
        """ "the end of 31 March 2025" or "14:05 on 31 March 2025"."""
        local = timezone.localtime(self.moment)
        if self.end_of_day:
            return f"the end of {local:%-d %B %Y}"
        return f"{local:%H:%M} on {local:%-d %B %Y}"

    @property
    def query(self) -> str:
        return urlencode({"as_of": self.text})


def _parse(text: str) -> tuple[datetime, bool] | None:
    try:
        day = parse_date(text)
        if day is not None:
            return timezone.make_aware(datetime.combine(day, time.max)), True
        moment = parse_datetime(text)
    except ValueError:  # well formed but no such day or time (2025-02-30)
        return None
    if moment is None:
        return None
    return (moment if timezone.is_aware(moment) else timezone.make_aware(moment)), False


def as_of_parse(text: str | None, *, now: datetime | None = None) -> AsOf | None:
    """The past moment ``text`` names, None for none; ``AsOfError`` if it names no moment or
    one in the future."""
    text = (text or "").strip()
    if not text:
        return None
    parsed = _parse(text)
    if parsed is None:
        raise AsOfError(f"“{text[:40]}” is not a date or a date and time. {HOW}")
    moment, end_of_day = parsed
    now = now or timezone.now()
    if end_of_day and timezone.localtime(moment).date() == timezone.localdate(now):
        return None  # today: the figures as they are now
    if moment > now:
        raise AsOfError(
            "That moment is in the future: figures can be shown as they stood at a past moment "
            f"only. {HOW}"
        )
    return AsOf(moment=moment, text=text, end_of_day=end_of_day)


def as_of_request(request) -> AsOf | None:
    """The past moment the request asks for (``?as_of=``), or None; ``AsOfError`` if wrong."""
    return as_of_parse(request.GET.get("as_of"))


def as_of_api(request) -> AsOf | None:
    """The past moment an API call asks for (``?as_of=``), or None; a moment that cannot be
    shown answers 400 with the reason, keyed ``as_of``."""
    from rest_framework.exceptions import ValidationError

    try:
        return as_of_request(request)
    except AsOfError as error:
        raise ValidationError({"as_of": [str(error)]}) from error


def as_of_query(as_of: AsOf | None, prefix: str = "?") -> str:
    """``?as_of=…`` (or ``&as_of=…``) for a link or a download to carry the moment on."""
    return f"{prefix}{as_of.query}" if as_of else ""


def moment_of(as_of: AsOf | None) -> datetime | None:
    """The moment to read figures at: ``as_of``'s, or None for now (the ``at`` that
    ``Snapshot`` reads and the pack take)."""
    return as_of.moment if as_of else None


def honours_as_of(view):
    """A page that can be shown as of a past moment: ``request.as_of`` is the moment asked for
    (None for now); a moment that cannot be shown answers 400 with the reason, and nothing of
    the page. Goes beneath ``login_required``."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            request.as_of = as_of_request(request)
        except AsOfError as error:
            context = {"error": str(error), "now_url": request.path}
            return render(request, "errors/as_of.html", context, status=400)
        return view(request, *args, **kwargs)

    return wrapped


def as_of_context(request) -> dict:
    """Template context: ``as_of`` (the moment a page is shown as of, or None), and the query
    its links and downloads add to carry it on (``as_of_query``: "?as_of=…", ``as_of_and``:
    "&as_of=…")."""
    as_of = getattr(request, "as_of", None)
    return {
        "as_of": as_of,
        "as_of_query": as_of_query(as_of),
        "as_of_and": as_of_query(as_of, "&"),
    }
