"""The child-level extract's format as the portal explains it to a trust: the columns, what each
indicator counts, and a sample file made from the same columns.

The contract is ../shared/CHILD_EXTRACT.md; ``performance/extract.py`` reads it. The words here
are that document's, held beside the reader's own column list so the page and the sample cannot
drift from what the reader accepts (tests check both: the same columns, the same indicators, and
the sample uploaded and accepted). The sample's rows are invented: every id starts "SAMPLE-", so
nobody can take one for a real child or worker.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.html import escape
from django.utils.safestring import mark_safe

from performance.extract import COLUMNS, REQUIRED
from trust_portal.periods import next_month


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str

    @property
    def required(self) -> bool:
        return self.name in REQUIRED

    @property
    def name_html(self):
        """The name with a line-break opportunity after each underscore, so a narrow column
        wraps "last_visit_seen_alone" between its words, never inside one."""
        return mark_safe("_<wbr>".join(escape(part) for part in self.name.split("_")))  # noqa: S308  (escaped parts)


COLUMN_MEANINGS = {
    "child_id": "the case-management system's id (never stored by the portal)",
    "area": "code of the council area the child belongs to",
    "category": "CIN child in need, CP child protection plan, LAC looked after, CL care leaver",
    "worker_id": "allocated worker; blank means unallocated",
    "episode_start": "date the episode began",
    "episode_end": "date it ended; blank means still open",
    "last_visit_date": "latest visit (for CL: latest contact) on or before the extract's date",
    "last_visit_seen_alone": "Y or N (blank means N)",
    "plan_due_date": "date the current plan (CIN plan, care plan, pathway plan) is next due "
    "for review",
    "assessment_start": "start date of the latest assessment",
    "assessment_completed": "completion date of that assessment",
}
FORMAT_COLUMNS = tuple(Column(name, COLUMN_MEANINGS[name]) for name in COLUMNS)

# What each indicator counts (CHILD_EXTRACT.md, "How each indicator is computed"): code,
# numerator, denominator (blank for a plain count).
INDICATOR_RULES = (
    ("CIN_VISIT_IN_TIME", "open CIN children visited in time", "open CIN children"),
    (
        "CIN_SEEN_ALONE",
        "open CIN children visited in time whose last visit has seen alone Y",
        "open CIN children",
    ),
    ("CIN_PLAN_IN_TIME", "open CIN children with plan_due_date on or after E", "open CIN children"),
    ("CP_VISIT_IN_TIME", "as CIN, for CP", "open CP children"),
    ("CP_SEEN_ALONE", "as CIN, for CP", "open CP children"),
    ("LAC_VISIT_IN_TIME", "as CIN, for LAC", "open LAC children"),
    ("LAC_PLAN_IN_TIME", "open LAC with plan_due_date on or after E (care plan)", "open LAC"),
    ("CL_IN_TOUCH", "open CL contacted in time", "open CL"),
    ("CL_PATHWAY_PLAN_IN_TIME", "open CL with plan_due_date on or after E", "open CL"),
    (
        "ASSESSMENT_IN_45_WD",
        "assessments completed in the reporting month within 45 working days",
        "assessments completed in that month",
    ),
    ("UNALLOCATED_CASES", "open children (all categories) with blank worker_id", ""),
    ("OPEN_CASES", "open children, all categories", ""),
    ("OPEN_CIN", "open CIN children", ""),
    ("OPEN_CP", "open CP children", ""),
    ("OPEN_LAC", "open LAC children", ""),
    ("OPEN_CL", "open care leavers", ""),
    ("AVERAGE_CASELOAD", "open children with a worker", "distinct worker_id among them"),
    (
        "WORKERS_OVER_CASELOAD",
        "workers with more open children than the caseload limit",
        "distinct workers",
    ),
)


@dataclass(frozen=True)
class IndicatorRule:
    code: str
    name: str  # the catalogue's name, or the code for one not in it
    numerator: str
    denominator: str  # blank for a plain count


def indicator_rules(names: dict[str, str]) -> list[IndicatorRule]:
    """Each indicator the extract gives, named as the catalogue ``names`` (code: name) does."""
    return [
        IndicatorRule(code, names.get(code, code), numerator, denominator)
        for code, numerator, denominator in INDICATOR_RULES
    ]


def as_at_of_month(month: date) -> date:
    """An extract for a month is taken as at the month's last day."""
    return next_month(month) - timedelta(days=1)


# One area's invented episodes, as (category, worker, days before E the episode began, days
# before E it ended or None, days before E of the last visit or None, seen alone, days after E
# the plan is due or None, assessment (days before E it started, and was completed) or None).
_EPISODES = (
    ("CIN", "A", 200, None, 10, "Y", 30, None),
    ("CIN", "A", 150, None, 40, "N", None, None),
    ("CIN", "B", 20, None, 3, "Y", 60, (20, 4)),
    ("CP", "B", 100, None, 5, "Y", 20, None),
    ("CP", "B", 90, None, 25, "N", 10, (90, 2)),
    ("LAC", "A", 400, None, 20, "N", 60, None),
    ("LAC", "", 300, None, 50, "Y", None, None),
    ("CL", "", 800, None, 30, "", 90, None),
    ("CIN", "A", 300, 60, 70, "N", None, None),
)


def sample_rows(*, month: date, areas: list[str]) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a sample extract for ``month``, valid for the given areas: a
    few open and closed episodes of every category in each area, dates as YYYY-MM-DD."""
    as_at = as_at_of_month(month)

    def day(days_before: int | None) -> str:
        return "" if days_before is None else (as_at - timedelta(days=days_before)).isoformat()

    rows = []
    for area in areas:
        for number, episode in enumerate(_EPISODES, start=1):
            category, worker, start, end, visit, alone, plan, assessment = episode
            row = {
                "child_id": f"SAMPLE-{area}-{number:03d}",
                "area": area,
                "category": category,
                "worker_id": f"SAMPLE-WORKER-{area}-{worker}" if worker else "",
                "episode_start": day(start),
                "episode_end": day(end),
                "last_visit_date": day(visit),
                "last_visit_seen_alone": alone,
                "plan_due_date": day(None if plan is None else -plan),
                "assessment_start": day(assessment[0] if assessment else None),
                "assessment_completed": day(assessment[1] if assessment else None),
            }
            rows.append([row[name] for name in COLUMNS])
    return list(COLUMNS), rows
