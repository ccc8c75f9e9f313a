"""The performance tile of the arrangement's headline (``trust_portal/overview.py``): the
latest approved month's RAG counts by domain and council area, read from the performance
overview snapshot's scorecard."""

from collections import Counter

from performance.dashboards.overview import NAME
from performance.models import ALL_AREAS, Indicator
from trust_portal.accounts.permissions import Kind
from trust_portal.overview import Headline, block, records, tile

RAG = ("red", "amber", "green", "grey")


@tile(
    "performance",
    title="Performance",
    snapshot=NAME,
    url_name="dashboards:detail",
    url_args=(NAME,),
    link_text="Performance overview",
    kind=Kind.DASHBOARD,
    order=10,
    missing="No approved performance figures yet.",
)
def performance_tile(arrangement, snapshot) -> Headline | None:
    data = snapshot.data if snapshot else None
    rows = records(block(data, "scorecard"))
    if not rows:
        return None
    domains = dict(
        Indicator.objects.filter(code__in={r["code"] for r in rows}).values_list("code", "domain")
    )
    labels = dict(Indicator.Domain.choices)
    counts: dict[tuple[str, str], Counter] = {}
    order = []
    for row in rows:
        key = (labels.get(domains.get(row["code"]), "Other"), row["area"])
        if key not in counts:
            counts[key] = Counter()
            order.append(key)
        counts[key][row["rag"] or "grey"] += 1
    # Domains in the catalogue's order, each with its council areas as the scorecard gives them.
    rank = {label: i for i, label in enumerate(labels.values())}
    order.sort(key=lambda key: rank.get(key[0], len(rank)))
    area_words = {ALL_AREAS: "All areas"}
    return Headline(
        period=data.get("period", ""),
        caption=f"Indicators by RAG rating, {data.get('period', '')}",
        columns=["Domain", "Area", "Red", "Amber", "Green", "Not rated"],
        rows=[
            [domain, area_words.get(area, area), *(counts[(domain, area)][r] for r in RAG)]
            for domain, area in order
        ],
    )
