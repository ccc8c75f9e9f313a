"""The rules a month is judged under, in words: which rule decides which figure, and what a page
says beside a month's figures ("Child protection visits judged against every 4 weeks (28
days), the standard in force for February 2019").

The rules themselves are dated rows (``PerformanceSettings``, read many months at a time
through ``RuleBook``); this module only words them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from performance.models import PerformanceSettings, RuleBook
from trust_portal.periods import previous_month

# The visit and contact frequencies, and the indicators each decides (CHILD_EXTRACT.md: a
# child is visited in time when their last visit is no more than this many days before the
# extract's date; "seen alone" counts only children visited in time).
FREQUENCIES = {
    "cin_visit_days": ("Children in need visits", ("CIN_VISIT_IN_TIME", "CIN_SEEN_ALONE")),
    "cp_visit_days": ("Child protection visits", ("CP_VISIT_IN_TIME", "CP_SEEN_ALONE")),
    "lac_visit_days": ("Looked-after children's visits", ("LAC_VISIT_IN_TIME",)),
    "cl_contact_days": ("Care leavers' contact", ("CL_IN_TOUCH",)),
}
CASELOAD_INDICATORS = ("WORKERS_OVER_CASELOAD",)


def every(days: int) -> str:
    """'every 4 weeks (28 days)', or 'every 10 days' when the days are not whole weeks."""
    if days % 7:
        return f"every {days} day{'s' if days != 1 else ''}"
    weeks = days // 7
    return f"every {weeks} week{'s' if weeks != 1 else ''} ({days} days)"


def _what(name: str, rules: PerformanceSettings) -> str:
    """A rule's value in words, to follow its label."""
    value = getattr(rules, name)
    if name in FREQUENCIES:
        return f"judged against {every(value)}"
    return {
        "caseload_limit": f"counted above {value} children",
        "small_number": f"marked small numbers below a denominator of {value}",
        "query_change_points": f"needed for a change of more than {Decimal(value).normalize():f} "
        "percentage points since last month",
        "due_working_day": f"working day {value} of the following month",
    }[name]


LABELS = {
    **{name: label for name, (label, _) in FREQUENCIES.items()},
    "caseload_limit": "Workers over the caseload limit",
    "small_number": "Percentages",
    "query_change_points": "A commentary",
    "due_working_day": "The return due by",
}


def rule_words(rules: PerformanceSettings) -> list[str]:
    """Each rule in words, in the rules page's order ('Child protection visits judged against
    every 4 weeks (28 days)')."""
    return [f"{label} {_what(name, rules)}" for name, label in LABELS.items()]


def standard_of(code: str, rules: PerformanceSettings) -> str:
    """The rule an indicator's figure was counted under, in words, or '' if none is dated
    (its RAG's small-number size aside)."""
    for name, (label, codes) in FREQUENCIES.items():
        if code in codes:
            return f"{label} judged against {every(getattr(rules, name))}"
    if code in CASELOAD_INDICATORS:
        return f"Workers over the caseload limit counted above {rules.caseload_limit} children"
    return ""


@dataclass(frozen=True)
class Judged:
    """The rules a month was judged under, and the words saying so."""

    month: date
    rules: PerformanceSettings

    @property
    def heading(self) -> str:
        return f"The rules in force for {self.month:%B %Y}"

    def items(self) -> list[str]:
        return rule_words(self.rules)

    def origin(self) -> str:
        """Which recorded rules these are: dated from a month, or the defaults."""
        if self.rules.pk is None:
            return "The portal's default rules: none are recorded for this arrangement."
        start = self.rules.valid_from
        if start > self.month:
            return f"The first rules recorded (from {start:%B %Y}), in force from the beginning."
        return f"The rules recorded from {start:%B %Y}."

    def sentence(self) -> str:
        """Every rule in one sentence, for a note: '…: the rules in force for February 2019.'"""
        words = rule_words(self.rules)
        text = "; ".join([words[0], *(w[0].lower() + w[1:] for w in words[1:])])
        return f"{text}: the rules in force for {self.month:%B %Y}. {self.origin()}"


def judged(book: RuleBook, month: date) -> Judged:
    return Judged(month, book.at(month))


def over_months(book: RuleBook, months: list[date], code: str) -> str:
    """An indicator's dated rules across months, in words: each rule that decides it (its
    visit standard, and the small-number size for a percentage) with the months it held for
    ('Child protection visits judged against every 4 weeks (28 days) to February 2019, every 2
    weeks (14 days) from March 2019')."""
    if not months:
        return ""
    names = [n for n, (_, codes) in FREQUENCIES.items() if code in codes]
    names += ["caseload_limit"] if code in CASELOAD_INDICATORS else []
    names.append("small_number")
    parts = []
    for name in names:
        spans = _spans(book, months, name)
        if len(spans) == 1:
            parts.append(f"{LABELS[name]} {_what(name, spans[0][2])} in every month shown")
            continue
        dated = [_dated(_what(name, span[2]), span, i, len(spans)) for i, span in enumerate(spans)]
        parts.append(f"{LABELS[name]} {', '.join(dated)}")
    text = "; ".join([parts[0], *(p[0].lower() + p[1:] for p in parts[1:])])
    return text + ": each month is judged under the rules in force for it."


def _dated(words: str, span, index: int, count: int) -> str:
    start, end, _ = span
    if index == 0:
        return f"{words} to {end:%B %Y}"
    if index == count - 1:
        return f"{words} from {start:%B %Y}"
    return f"{words} from {start:%B %Y} to {end:%B %Y}"


def _spans(book: RuleBook, months: list[date], name: str) -> list[tuple[date, date, object]]:
    """[(first month, last month, rules)] over which one rule kept its value."""
    spans: list[list] = []
    for month in months:
        rules = book.at(month)
        if spans and getattr(spans[-1][2], name) == getattr(rules, name):
            spans[-1][1] = month
        else:
            spans.append([month, month, rules])
    return [tuple(s) for s in spans]


def changed_between(book: RuleBook, month: date) -> list[str]:
    """The rules that changed from the month before to this one, in words ('Child protection
    visits judged against every 4 weeks (28 days) → every 2 weeks (14 days)')."""
    before, after = book.at(previous_month(month)), book.at(month)
    return [
        f"{LABELS[name]}: {_what(name, before)} → {_what(name, after)}"
        for name in LABELS
        if getattr(before, name) != getattr(after, name)
    ]


def deciding(code: str) -> list[str]:
    """The dated rules that decide an indicator's figure or its rating: its visit or contact
    frequency, the caseload limit, and the small-number size (every indicator's RAG)."""
    names = [name for name, (_, codes) in FREQUENCIES.items() if code in codes]
    names += ["caseload_limit"] if code in CASELOAD_INDICATORS else []
    return [*names, "small_number"]


def _value(name: str, rules: PerformanceSettings) -> str:
    """The rule's new value after an arrow: 'every 2 weeks (14 days)', 'below a denominator of
    5'."""
    words = _what(name, rules)
    for lead in ("judged against ", "counted ", "marked small numbers "):
        words = words.removeprefix(lead)
    return words


def rule_note(code: str, before: PerformanceSettings, after: PerformanceSettings) -> str:
    """'The rules changed: child protection visits judged against every 4 weeks (28 days) →
    every 2 weeks (14 days).' for each rule deciding the indicator that differs between two
    months' rules; '' if none does."""
    changed = [
        f"{LABELS[name]} {_what(name, before)} → {_value(name, after)}"
        for name in deciding(code)
        if getattr(before, name) != getattr(after, name)
    ]
    if not changed:
        return ""
    text = "; ".join(c[0].lower() + c[1:] for c in changed)
    return f"The rules changed: {text}."
