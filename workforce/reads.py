"""What the workforce pages and the API read: a return's figures added up per team, per council
area and for the arrangement; the DfE rates with their RAG against the targets in force; the
rolling 12-month turnover from approved returns; the caseloads of the same month's approved
performance return beside the workforce return's; and the arrangement's months over time.

Every rate is an exact fraction until it is shown (one decimal place, half up). A team's area
is the area it serves now: a team that moved area counts in its new area for earlier months too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.contrib.contenttypes.models import ContentType

from performance.models import (
    ALL_AREAS,
    Indicator,
    Measurement,
    MonthlyReturn,
    RuleBook,
    Target,
)
from performance.rag import Rating, Status, rate
from trust_portal.approvals.models import Event, State
from trust_portal.dashboards.shared import shared
from trust_portal.numbers import rounded
from trust_portal.periods import financial_year_of, previous_month
from workforce.models import Team, TeamFigures, WorkforceReturn
from workforce.rates import ZERO, Totals, turnover, twelve_months_to

ARRANGEMENT = ALL_AREAS  # the key of the whole arrangement, as performance returns name it
MIX = [
    ("experienced_fte", "Experienced permanent"),
    ("asye_fte", "Newly qualified (ASYE)"),
    ("international_fte", "International, first year"),
    ("agency_covering_fte", "Agency, covering a vacant post"),
    ("vacant_fte", "Vacant, no cover"),
]


def display(value: Fraction | None, places: int = 1) -> str | None:
    """An exact value rounded half up for display: "24.0"; None stays None."""
    return None if value is None else str(rounded(value, places))


# --- Rolling turnover ------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnover:
    """The census's turnover to a month: leavers' FTE over the 12 months to the month (from the
    months of those 12 that have figures, an approved return) against the FTE social workers
    (permanent) in post in the month itself."""

    first: date
    last: date
    leavers_fte: Decimal
    months: int  # of the 12, those with figures
    employed_fte: Decimal | None  # in post in the last month; None without its figures

    @property
    def complete(self) -> bool:
        return self.months == 12

    @property
    def value(self) -> Fraction | None:
        return turnover(self.leavers_fte, self.employed_fte)

    @property
    def note(self) -> str:
        if self.complete:
            return ""
        return f"Not enough months: {self.months} of the 12 have figures"


def rolling_turnover(
    by_month: dict[date, list[TeamFigures]], month: date, pick: Callable = lambda f: True
) -> Turnover:
    """The turnover to ``month`` of the rows ``pick`` chooses, from {month: figures}. A month
    counts when it has at least one chosen row."""
    first, last = twelve_months_to(month)
    leavers, months, employed = ZERO, 0, None
    for period in sorted(by_month):
        if not first <= period <= last:
            continue
        rows = [f for f in by_month[period] if pick(f)]
        if not rows:
            continue
        months += 1
        leavers += sum((f.leavers_fte for f in rows), ZERO)
        if period == last:
            employed = sum((f.employed_fte for f in rows), ZERO)
    return Turnover(first, last, leavers, months, employed)


def approved_figures(
    arrangement, first: date, last: date, at=None
) -> dict[date, list[TeamFigures]]:
    """{month: its approved return's figures} for the months from ``first`` to ``last``: three
    queries, however many months. At the past moment ``at``: each month's revision approved and
    in force then."""
    returns = WorkforceReturn.objects.filter(arrangement=arrangement)
    returns = returns.in_force_at(at) if at else returns.filter(state=State.APPROVED)
    returns = {
        r.pk: r for r in returns.filter(period__gte=first, period__lte=last).order_by("period")
    }
    for workforce_return in returns.values():
        workforce_return.arrangement = arrangement  # one for all, not one a row
    teams = {t.pk: t for t in Team.objects.filter(arrangement=arrangement).select_related("area")}
    rows = TeamFigures.objects.filter(workforce_return__in=list(returns)).order_by(
        "workforce_return__period", "team__area__code", "team__name"
    )
    by_month: dict[date, list[TeamFigures]] = defaultdict(list)
    for row in rows:
        # Each return and team once, shared by its rows (a join would make one of each a row).
        row.workforce_return = returns[row.workforce_return_id]
        row.team = teams.get(row.team_id) or row.team  # another arrangement's: read it
        by_month[row.workforce_return.period].append(row)
    return dict(by_month)


# --- Rates with their RAG --------------------------------------------------------------------

# (key, indicator code, label, unit): the census's rates ("census method": the census is taken at
# 30 September, these each month), then the other views under their own names. The codes are
# the workforce domain of the indicator catalogue; None where the catalogue has no indicator
# (shown without a target).
CENSUS = "census method"
RATES = [
    ("vacancy_rate", "WORKFORCE_VACANCY_RATE", f"Vacancy rate ({CENSUS})", "percentage"),
    ("agency_rate", "WORKFORCE_AGENCY_RATE", f"Agency rate ({CENSUS})", "percentage"),
    ("turnover", "WORKFORCE_TURNOVER_RATE", f"Turnover, 12 months ({CENSUS})", "percentage"),
    ("census_caseload", None, f"Caseload ({CENSUS})", "ratio"),
    ("unfilled_share", None, "Posts unfilled, no cover", "percentage"),
    ("covered_share", None, "Vacancies covered by agency staff", "percentage"),
    (
        "experienced_share",
        "WORKFORCE_EXPERIENCED_SHARE",
        "Experienced permanent share of the establishment",
        "percentage",
    ),
    ("average_caseload", "AVERAGE_CASELOAD", "Average caseload per worker", "ratio"),
    ("over_limit_share", "WORKERS_OVER_CASELOAD", "Workers above the caseload limit", "percentage"),
]
RATE_CODES = [code for _, code, _, _ in RATES if code]
CENSUS_RATES = [key for key, _, label, _ in RATES if label.endswith(f"({CENSUS})")]


def by_rate(groups: list) -> dict[str, list[tuple[str, list]]]:
    """Rates as rows and groups (council areas, then the arrangement) as columns, the census's
    rates apart from the other views: {"census" | "other": [(label, [each group's measure])]}.
    Pages show a few areas' nine rates this way round, as two narrow tables."""
    parts: dict[str, list[tuple[str, list]]] = {"census": [], "other": []}
    for key, _, label, _ in RATES:
        part = "census" if key in CENSUS_RATES else "other"
        parts[part].append((label, [g.measures.get(key) for g in groups]))
    return parts


def fractions_of(key: str, totals: Totals, turnover_: Turnover | None):
    """(numerator, denominator) of a rate, as ``workforce.rates`` defines it."""
    employed = totals.employed_fte
    vacancies = totals.census_vacancies_fte
    if key == "turnover":
        if turnover_ is None:
            return None, None
        return turnover_.leavers_fte, turnover_.employed_fte
    return {
        "vacancy_rate": (vacancies, vacancies + employed),
        "agency_rate": (totals.agency_fte, totals.agency_fte + employed),
        "census_caseload": (totals.open_cases, totals.case_holding_fte),
        "unfilled_share": (totals.vacant_fte, totals.establishment_fte),
        "covered_share": (totals.agency_covering_fte, vacancies),
        "experienced_share": (totals.experienced_fte, totals.establishment_fte),
        "average_caseload": (totals.open_cases, totals.workers_holding_cases),
        "over_limit_share": (totals.workers_over_limit, totals.workers_holding_cases),
    }[key]


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    numerator: Decimal | int | Fraction | None
    denominator: Decimal | int | Fraction | None
    rating: Rating
    target: Target | None = None
    note: str = ""  # turnover's "not enough months"

    @property
    def value(self) -> Fraction | None:
        return self.rating.value

    @property
    def shown(self) -> str | None:
        """ "24.0" (a percentage) or "21.2" (a caseload); None when there is no data."""
        return display(self.value)

    @property
    def text(self) -> str:
        if self.shown is None:
            return "no data"
        return f"{self.shown}%" if self.unit == "percentage" else self.shown

    @property
    def status_words(self) -> str:
        """The RAG in words ("Red: beyond tolerance"); never colour alone. A view the catalogue
        has no indicator for is "Context only": shown, never rated."""
        if self.value is None:
            return "No data"
        if self.rating.status == Status.GREY:
            return "Not rated: under 12 months" if self.note else "No target"
        return self.rating.label

    @property
    def target_text(self) -> str:
        if self.target is None:
            return ""
        unit = "%" if self.unit == "percentage" else ""
        points = " points" if self.unit == "percentage" else ""
        target, tolerance = self.target.target.normalize(), self.target.tolerance.normalize()
        return f"{target:f}{unit} ± {tolerance:f}{points}"


def _exact(value):
    if value is None or isinstance(value, Fraction):
        return value
    return Fraction(value)


@dataclass
class Context:
    """What rating needs, loaded once per month: indicators, targets, small-number size."""

    indicators: dict[str, Indicator]
    targets: dict[int, Target]
    small_number: int
    caseload_limit: int

    @classmethod
    def of(cls, arrangement, month: date, indicators=None, at=None) -> Context:
        """At the past moment ``at``, if given: the rules and targets as recorded then."""
        settings_ = RuleBook.of(arrangement, at=at).at(month)  # the rules in force that month
        if indicators is None:
            indicators = {i.code: i for i in Indicator.objects.filter(code__in=RATE_CODES)}
        targets = Target.objects.in_force(arrangement=arrangement, month=month, at=at)
        return cls(indicators, targets, settings_.small_number, settings_.caseload_limit)

    def measure(self, key: str, totals: Totals, turnover_: Turnover | None = None) -> Measure:
        _, code, label, unit = next(r for r in RATES if r[0] == key)
        numerator, denominator = fractions_of(key, totals, turnover_)
        indicator = self.indicators.get(code) if code else None
        target = self.targets.get(indicator.pk) if indicator else None
        rating = rate(
            numerator=_exact(numerator),
            denominator=_exact(denominator),
            unit=unit,
            polarity=indicator.polarity if indicator else "context",
            target=target.target if target else None,
            tolerance=target.tolerance if target else None,
            small_number=self.small_number,
        )
        note = ""
        if key == "turnover" and turnover_ is not None and not turnover_.complete:
            # Fewer than 12 months' leavers against a year's target would flatter: the figure is
            # shown with the months counted, but not rated.
            rating = Rating(Status.GREY, rating.value, rating.small_numbers)
            note = turnover_.note
        return Measure(key, label, unit, numerator, denominator, rating, target, note)

    def measures(self, totals: Totals, turnover_: Turnover | None) -> dict[str, Measure]:
        return {key: self.measure(key, totals, turnover_) for key, _, _, _ in RATES}


# --- One return ------------------------------------------------------------------------------


@dataclass
class Group:
    """A team, a council area or the whole arrangement in one return."""

    key: str  # the team's id, the council's code, or "ALL"
    label: str
    totals: Totals
    turnover: Turnover
    measures: dict[str, Measure]
    team: Team | None = None
    figures: TeamFigures | None = None
    area: str = ""

    @property
    def reported(self) -> bool:
        return self.team is None or self.figures is not None

    @property
    def mix(self) -> list[tuple[str, str, Decimal, str | None]]:
        """(field, label, FTE, share of posts shown) for each kind of post."""
        return [
            (name, label, getattr(self.totals, name), display(self.totals.share_of_posts(name)))
            for name, label in MIX
        ]

    @property
    def inexperienced(self) -> tuple[Decimal, str | None]:
        """ASYE and international first year together, as the 2019 report counted them:
        (FTE, share of posts shown)."""
        shares = [self.totals.share_of_posts(n) for n in ("asye_fte", "international_fte")]
        fte = self.totals.asye_fte + self.totals.international_fte
        return fte, display(None if shares[0] is None else sum(shares))


@dataclass(frozen=True)
class Caseloads:
    """One area's (or the arrangement's) caseloads: the workforce return's beside the same
    month's approved performance return's (from the child-level extract's worker ids, or as
    entered)."""

    key: str
    label: str
    workforce_census: Measure  # cases ÷ case-holding FTE, agency included
    workforce_average: Measure
    workforce_over: Measure
    performance_average: Measure | None
    performance_over: Measure | None
    source: str = ""


@dataclass
class ReturnSummary:
    workforce_return: WorkforceReturn
    teams: list[Group]
    areas: list[Group]
    arrangement: Group
    caseloads: list[Caseloads] = field(default_factory=list)
    performance_return: MonthlyReturn | None = None
    caseload_limit: int = 20

    @property
    def groups(self) -> list[Group]:
        return [*self.teams, *self.areas, self.arrangement]

    @property
    def month(self) -> date:
        return self.workforce_return.period

    @property
    def rates_by_area(self) -> dict[str, list[tuple[str, list]]]:
        return by_rate([*self.areas, self.arrangement])


def _by_month_with(workforce_return: WorkforceReturn, rows: list[TeamFigures], at=None):
    """The approved figures of the 11 months before the return's (those in force at ``at``, if
    given), with the return's own."""
    first, _ = twelve_months_to(workforce_return.period)
    before = previous_month(workforce_return.period)
    arrangement = workforce_return.arrangement
    by_month = approved_figures(arrangement, first, before, at=at) if first <= before else {}
    by_month[workforce_return.period] = rows
    return by_month


def _team_group(team, reported: dict, by_month, month, context) -> Group:
    figures = reported.get(team.pk)
    totals = Totals.of([figures] if figures else [])
    spell = rolling_turnover(by_month, month, lambda f, pk=team.pk: f.team_id == pk)
    return Group(
        str(team.pk),
        team.name,
        totals,
        spell,
        context.measures(totals, spell),
        team,
        figures,
        team.area.code,
    )


def _area_group(council, rows: list, by_month, month, context) -> Group:
    totals = Totals.of([r for r in rows if r.team.area_id == council.pk])
    spell = rolling_turnover(by_month, month, lambda f, pk=council.pk: f.team.area_id == pk)
    return Group(
        council.code,
        f"{council.name} ({council.code})",
        totals,
        spell,
        context.measures(totals, spell),
        area=council.code,
    )


def summary(workforce_return: WorkforceReturn, at=None) -> ReturnSummary:
    """The return's figures and rates per team, per council area and for the arrangement. The
    turnover uses this return's own figures for its month and the approved return of each of
    the 11 months before (so a draft shows what its turnover will be). At the past moment
    ``at``: rated against the targets and rules recorded then, with the months approved then."""
    arrangement = workforce_return.arrangement
    month = workforce_return.period
    context = Context.of(arrangement, month, at=at)
    rows = list(workforce_return.figures.select_related("team__area"))
    for row in rows:
        row.workforce_return = workforce_return
    by_month = _by_month_with(workforce_return, rows, at=at)
    reported = {row.team_id: row for row in rows}
    teams = Team.objects.filter(arrangement=arrangement).select_related("area")
    teams = [t for t in teams if t.active or t.pk in reported]
    teams.sort(key=lambda t: (t.area.code, t.service, t.name))

    team_groups = [_team_group(team, reported, by_month, month, context) for team in teams]
    areas = [
        _area_group(council, rows, by_month, month, context)
        for council in arrangement.councils.order_by("code")
    ]
    totals = Totals.of(rows)
    spell = rolling_turnover(by_month, month)
    whole = Group(
        ARRANGEMENT,
        f"All of {arrangement.code}",
        totals,
        spell,
        context.measures(totals, spell),
        area=ARRANGEMENT,
    )
    result = ReturnSummary(
        workforce_return, team_groups, areas, whole, caseload_limit=context.caseload_limit
    )
    result.performance_return, result.caseloads = side_by_side(result, context, at=at)
    return result


def side_by_side(result: ReturnSummary, context: Context, at=None):
    """Each area's and the arrangement's caseloads from the workforce return, and those of the
    approved performance return for the same month where it holds them (the one in force at
    the past moment ``at``, if given)."""
    workforce_return = result.workforce_return
    month = MonthlyReturn.objects.filter(
        arrangement=workforce_return.arrangement, period=workforce_return.period
    )
    performance = (month.in_force_at(at) if at else month.filter(state=State.APPROVED)).first()
    found: dict[tuple[str, str], Measurement] = {}
    if performance is not None:
        found = {
            (m.indicator.code, m.area): m
            for m in performance.measurements.filter(
                indicator__code__in=["AVERAGE_CASELOAD", "WORKERS_OVER_CASELOAD"]
            ).select_related("indicator")
        }
    comparisons = []
    for group in [*result.areas, result.arrangement]:
        average = found.get(("AVERAGE_CASELOAD", group.key))
        over = found.get(("WORKERS_OVER_CASELOAD", group.key))
        sources = {m.get_source_display() for m in (average, over) if m is not None}
        comparisons.append(
            Caseloads(
                group.key,
                group.label,
                group.measures["census_caseload"],
                group.measures["average_caseload"],
                group.measures["over_limit_share"],
                _measured(context, "average_caseload", average),
                _measured(context, "over_limit_share", over),
                "; ".join(sorted(sources)),
            )
        )
    return performance, comparisons


def _measured(context: Context, key: str, m: Measurement | None) -> Measure | None:
    if m is None:
        return None
    totals = Totals()
    if key == "average_caseload":
        totals.open_cases, totals.workers_holding_cases = m.numerator or 0, m.denominator or 0
    else:
        totals.workers_over_limit, totals.workers_holding_cases = (
            m.numerator or 0,
            m.denominator or 0,
        )
    return context.measure(key, totals)


# --- The arrangement over time ---------------------------------------------------------------


@dataclass
class MonthPoint:
    """One approved month of the arrangement (or of one team)."""

    month: date
    workforce_return: WorkforceReturn | None
    totals: Totals
    turnover: Turnover
    measures: dict[str, Measure]
    synthetic: bool = False

    @property
    def mix(self) -> list[tuple[str, str, Decimal, str | None]]:
        return [
            (name, label, getattr(self.totals, name), display(self.totals.share_of_posts(name)))
            for name, label in MIX
        ]


def targets_in_force(targets: list[Target], month: date) -> dict[int, Target]:
    """{indicator id: target} in force in a month, from targets already read in the order
    ``TargetQuerySet.in_force`` reads them (so many months cost one query): each indicator's
    latest target of the month's financial year valid from that month or earlier."""
    year = financial_year_of(month)
    found = {}
    for row in targets:
        if row.financial_year == year and row.valid_from <= month:
            found[row.indicator_id] = row  # later rows replace earlier ones
    return found


def _over_time_reads(arrangement) -> tuple:
    """What ``over_time`` reads (four queries), once per recompute however many areas ask."""
    by_month = approved_figures(arrangement, date(1900, 1, 1), date(9999, 12, 1))
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=RATE_CODES)}
    rules = RuleBook.of(arrangement)  # each month rated under the rules in force for it
    targets = list(
        Target.objects.filter(arrangement=arrangement, indicator__code__in=RATE_CODES).order_by(
            "indicator_id", "valid_from", "pk"
        )
    )
    return by_month, indicators, rules, targets


def over_time(
    arrangement, *, pick: Callable = lambda f: True, synthetic: Iterable[date] = ()
) -> list[MonthPoint]:
    """Every approved month, oldest first, with its totals of the rows ``pick`` chooses, its
    DfE rates (RAG against that month's targets) and its rolling turnover, in four queries."""
    by_month, indicators, rules, targets = shared(
        ("workforce.over_time", arrangement.pk), lambda: _over_time_reads(arrangement)
    )
    synthetic = set(synthetic)
    # The chosen rows of each month, picked once (not again for each month's turnover).
    chosen_by_month = {month: [r for r in rows if pick(r)] for month, rows in by_month.items()}
    points = []
    for month, rows in sorted(by_month.items()):
        chosen = chosen_by_month[month]
        if not chosen:
            continue
        settings_ = rules.at(month)
        context = Context(
            indicators,
            targets_in_force(targets, month),
            settings_.small_number,
            settings_.caseload_limit,
        )
        totals = Totals.of(chosen)
        spell = rolling_turnover(chosen_by_month, month)
        points.append(
            MonthPoint(
                month,
                rows[0].workforce_return,
                totals,
                spell,
                context.measures(totals, spell),
                month in synthetic,
            )
        )
    return points


# The demo's made-up months say so in their history (the note of their first save), and the
# pages mark them wherever they show them.
SYNTHETIC_NOTE = "Demo data: synthetic figures"


def synthetic_months(arrangement) -> set[date]:
    """The months whose returns' history says their figures are synthetic (demo data)."""
    marked = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(WorkforceReturn),
        note__startswith=SYNTHETIC_NOTE,
    ).values("object_id")
    return set(
        WorkforceReturn.objects.filter(arrangement=arrangement, pk__in=marked).values_list(
            "period", flat=True
        )
    )


def latest_approved(arrangement) -> WorkforceReturn | None:
    return (
        WorkforceReturn.objects.filter(arrangement=arrangement, state=State.APPROVED)
        .select_related("arrangement__trust")
        .order_by("-period")
        .first()
    )


def posts_and_rates(totals: Totals) -> list[tuple[str, str | None, str | None, str]]:
    """The staff mix as shares of posts (how the 2019 report put it) beside the census rate
    that differs from it: (kind, share of posts, census rate, the rate's name)."""
    return [
        (
            "Vacant",
            display(totals.unfilled_share),
            display(totals.vacancy_rate),
            "the share counts posts unfilled with no cover; the vacancy rate all vacancies, "
            "agency-covered included ÷ (vacancies + FTE social workers)",
        ),
        (
            "Agency",
            display(totals.share_of_posts("agency_covering_fte")),
            display(totals.agency_rate),
            "agency rate: agency ÷ (agency + FTE social workers)",
        ),
        (
            "Experienced permanent",
            display(totals.share_of_posts("experienced_fte")),
            display(totals.experienced_share),
            "experienced share: of the establishment",
        ),
    ]
