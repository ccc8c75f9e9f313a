"""The workforce overview page reads the "workforce" snapshot back (``overview_from``).

The overview (``workforce.views.overview``) shows the snapshot that ``workforce.dashboards``
builds and computes nothing across months. These turn its tables back into the shapes the
overview's templates (shared with a return's review page) and its SVG charts take. Figures
within one month (a share of posts, a DfE rate beside it) are worked out again from the
snapshot's FTE, exactly as ``workforce.reads`` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

from workforce import reads
from workforce.rates import Totals, ratio

RATE_KEYS = {label: key for key, _, label, _ in reads.RATES}


@dataclass(frozen=True)
class ShownRating:
    status: str
    small_numbers: bool = False


@dataclass(frozen=True)
class ShownMeasure:
    """A rate as the snapshot holds it, with what ``workforce/_measure_cell.html`` reads."""

    text: str
    status_words: str
    target_text: str = ""
    note: str = ""
    rating: ShownRating = ShownRating("grey")
    value: Fraction | None = None

    @property
    def target(self) -> str:
        return self.target_text


def shown_measure(
    figure: str | None,
    unit: str,
    rag: str | None,
    words: str,
    *,
    target="",
    note="",
    small=False,
    value=None,
) -> ShownMeasure:
    text = "no data" if figure is None else figure
    if figure is not None and unit == "%":
        text = f"{figure}%"
    return ShownMeasure(text, words, target, note, ShownRating(rag or "grey", small), value)


def records(block: dict) -> list[dict]:
    keys = [c["key"] for c in block["table"]["columns"]]
    return [dict(zip(keys, row, strict=True)) for row in block["table"]["rows"]]


def measures_of(rows: list[dict]) -> dict[str, ShownMeasure]:
    """{rate key: measure} from rows of the long rates table."""
    found = {}
    for r in rows:
        value = None if r["figure"] is None else Fraction(Decimal(r["figure"]))
        found[RATE_KEYS[r["rate"]]] = shown_measure(
            r["figure"],
            r["unit"],
            r["rag"],
            r["status"],
            target=r["target"],
            note=r["note"],
            small=r["small_numbers"] == "yes",
            value=value,
        )
    return found


def totals_from(row: dict) -> Totals:
    """The posts of a staff mix row (FTE as the snapshot holds them) as reads' Totals."""
    over = Decimal(row["agency_over_fte"])
    return Totals(
        establishment_fte=Decimal(row["establishment"]),
        experienced_fte=Decimal(row["experienced_fte"]),
        asye_fte=Decimal(row["asye_fte"]),
        international_fte=Decimal(row["international_fte"]),
        agency_fte=Decimal(row["agency_covering_fte"]) + over,
        agency_over_establishment_fte=over,
        vacant_fte=Decimal(row["vacant_fte"]),
    )


@dataclass
class ShownMonth:
    month: date
    synthetic: bool
    totals: Totals
    measures: dict
    url: str = ""

    @property
    def mix(self):
        return [
            (
                name,
                label,
                getattr(self.totals, name),
                reads.display(self.totals.share_of_posts(name)),
            )
            for name, label in reads.MIX
        ]


@dataclass
class ShownOverview:
    """The overview's figures, from the snapshot: shaped as ``reads.ReturnSummary`` where the
    shared templates read one."""

    month: date
    synthetic: bool
    caseload_limit: int
    areas: list
    arrangement: reads.Group
    points: list[ShownMonth]
    teams: list
    caseloads: list
    has_performance: bool
    tables: dict[str, dict]
    performance_return: object = None
    workforce_return: object = None

    @property
    def rates_by_area(self) -> dict[str, list[tuple[str, list]]]:
        return reads.by_rate([*self.areas, self.arrangement])


def month_of(key: str) -> date:
    return date.fromisoformat(f"{key}-01")


def _groups(rates: list, posts: dict, code: str):
    """Each council area's rates and posts, then the arrangement's as a whole."""

    def group(area_code):
        rows = [r for r in rates if r["area_code"] == area_code]
        return reads.Group(
            area_code,
            rows[0]["area"],
            totals_from(posts[area_code]),
            None,
            measures_of(rows),
            area=area_code,
        )

    codes = list(dict.fromkeys(r["area_code"] for r in rates))
    return [group(c) for c in codes if c != code], group(code)


def _points(blocks: dict, rates_page: dict, code: str) -> list[ShownMonth]:
    """The arrangement's staff mix and rates, month by month."""
    by_month: dict[str, list] = {}
    for r in records(rates_page):
        if r["area_code"] == code:
            by_month.setdefault(r["month"], []).append(r)
    return [
        ShownMonth(
            month_of(r["month"]),
            r["synthetic"] == "yes",
            totals_from(r),
            measures_of(by_month.get(r["month"], [])),
        )
        for r in records(blocks["staff-mix"])
    ]


def _teams(block: dict) -> list:
    """Each team's caseloads in the latest month."""
    teams = []
    for r in records(block):
        totals = Totals(
            open_cases=r["open_cases"],
            workers_holding_cases=r["workers"],
            case_holding_fte=Decimal(r["case_holding_fte"]),
            workers_over_limit=r["over"],
            unallocated_cases=r["unallocated"],
        )
        average = ratio(r["open_cases"], r["workers"])
        measures = {
            "census_caseload": shown_measure(
                r["census"], "", None, "", value=ratio(r["open_cases"], totals.case_holding_fte)
            ),
            "average_caseload": shown_measure(
                r["average"], "", r["rag"], r["status"], value=average
            ),
            "over_limit_share": shown_measure(r["over_share"], "%", None, ""),
        }
        teams.append(
            SimpleNamespace(
                label=r["team"],
                area=r["area_code"],
                totals=totals,
                measures=measures,
                reported=True,
                team=None,
            )
        )
    return teams


def _performance_measure(r: dict, key: str, unit: str, mine: ShownMeasure) -> ShownMeasure | None:
    """The performance return's figure ``key`` ("average" or "over") against the target of the
    workforce return's own; None where the performance return has none."""
    if r[f"{key}_performance"] is None:
        return None
    return shown_measure(
        r[f"{key}_performance"],
        unit,
        r[f"{key}_performance_rag"],
        r[f"{key}_performance_status"],
        target=mine.target_text,
    )


def _compared(block: dict, groups: list) -> list:
    """The workforce return's caseloads beside the child-level extract's, area by area."""
    by_code = {g.key: g for g in groups}
    compared = []
    for r in records(block):
        mine = by_code[r["area_code"]].measures
        performance_average = _performance_measure(r, "average", "", mine["average_caseload"])
        performance_over = _performance_measure(r, "over", "%", mine["over_limit_share"])
        compared.append(
            SimpleNamespace(
                key=r["area_code"],
                label=r["area"],
                source=r["source"],
                workforce_census=mine["census_caseload"],
                workforce_average=mine["average_caseload"],
                workforce_over=mine["over_limit_share"],
                performance_average=performance_average,
                performance_over=performance_over,
            )
        )
    return compared


def overview_from(data: dict, arrangement) -> ShownOverview | None:
    """The overview's figures from a workforce snapshot's data; None when it has no approved
    month."""
    if not data.get("latest_month"):
        return None
    blocks = {b["id"]: b for b in data["blocks"]}
    month = month_of(data["latest_month"])
    posts = {r["area_code"]: r for r in records(blocks["latest-posts"])}
    areas, whole = _groups(records(blocks["latest-rates"]), posts, arrangement.code)
    rates_page = data["pages"]["rates-by-month"]["blocks"][0]
    points = _points(blocks, rates_page, arrangement.code)
    has_performance = blocks["caseloads-compared"]["kind"] == "table"
    compared = _compared(blocks["caseloads-compared"], [*areas, whole]) if has_performance else []
    tables = {
        "mix": blocks["staff-mix"]["table"],
        "rates": rates_page["table"],
        "latest": blocks["latest-rates"]["table"],
        "teams": blocks["caseloads"]["table"],
        "caseloads": (blocks["caseloads-compared"] if has_performance else blocks["caseloads"])[
            "table"
        ],
    }
    latest_point = next((p for p in points if p.month == month), None)
    return ShownOverview(
        month=month,
        synthetic=bool(latest_point and latest_point.synthetic),
        caseload_limit=data["caseload_limit"],
        areas=areas,
        arrangement=whole,
        points=points,
        teams=_teams(blocks["caseloads"]),
        caseloads=compared,
        has_performance=has_performance,
        tables=tables,
    )
