"""The workforce tile of the arrangement's headline (``trust_portal/overview.py``): the latest
approved month's vacancy rate by the census method, per council area and for the whole
arrangement, read from the workforce snapshot."""

from trust_portal.accounts.permissions import Kind
from trust_portal.overview import Figure, Headline, block, records, tile
from workforce.dashboards.overview import NAME

VACANCY = "Vacancy rate (census method)"


@tile(
    "workforce",
    title="Workforce",
    snapshot=NAME,
    url_name="workforce:overview",
    link_text="Workforce overview",
    kind=Kind.RETURN,
    order=20,
    missing="No approved workforce return yet.",
)
def workforce_tile(arrangement, snapshot) -> Headline | None:
    data = snapshot.data if snapshot else None
    rates = [r for r in records(block(data, "latest-rates")) if r["rate"] == VACANCY]
    if not rates:
        return None
    month = block(data, "latest-rates")["title"].partition(", ")[0].removeprefix("Rates in ")
    return Headline(
        period=month,
        figures=[
            Figure(
                f"Vacancy rate, {r['area']}",
                f"{r['figure']}%" if r["figure"] is not None else "No figure",
                note=f"{r['numerator']} ÷ {r['denominator']} FTE; {r['status']}"
                if r["figure"] is not None
                else "",
            )
            for r in rates
        ],
    )
