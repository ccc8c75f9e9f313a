"""The packs tile of the arrangement's headline (``trust_portal/overview.py``): the latest
scrutiny committee pack issued, linking to it."""

from django.urls import reverse

from trust_portal.accounts.permissions import Kind
from trust_portal.dashboards.models import IssuedPack
from trust_portal.overview import Figure, Headline, tile


@tile(
    "packs",
    title="Scrutiny packs",
    url_name="packs:pack-list",
    link_text="Scrutiny committee packs",
    kind=Kind.DASHBOARD,
    order=50,
    missing="No pack has been issued yet.",
)
def packs_tile(arrangement, snapshot) -> Headline | None:
    issued = (
        IssuedPack.objects.filter(arrangement=arrangement)
        .only("pk", "month", "title", "committee", "meeting_date", "issued_at")
        .order_by("-issued_at", "-pk")
        .first()
    )
    if issued is None:
        return None
    figures = [Figure("Reports", f"{issued.month:%B %Y}")]
    if issued.meeting_date:
        meeting = f"{issued.meeting_date:%-d %B %Y}"
        figures.append(Figure("Committee", f"{issued.committee}, {meeting}".lstrip(", ")))
    return Headline(
        period=f"{issued.month:%B %Y}",
        figures=figures,
        url=reverse("packs:pack-detail", args=[arrangement.code, issued.pk]),
        link_text=issued.title,
    )
