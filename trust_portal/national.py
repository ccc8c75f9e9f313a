"""The national-scale generator's shared parts (``python manage.py generate_national``, issue 18):
the plan every app's part reads (the seed, the months, the generated arrangements and their
people), a random generator for each row, and bulk inserts with their history rows.

Each app makes its own rows in its ``national.py`` (``generate(plan=…)``), gathered in
INSTALLED_APPS order as ``load_demo`` gathers ``demo.py``, so the core imports no app. Rows are
built as model instances and inserted with ``bulk_create`` (``bulk_create_with_history`` for
a model with a history), never saved one by one: scale 1 is ten years of 50 arrangements.

Every generated organisation's code starts with ``G`` and a digit-led number (``GT001``, the
trust; ``GC0001``, a council), so it never clashes with the demo's (NCT, NNC, WNC, OCT, OCC,
DFE) and a previous generation is found by its codes. No child is ever identified: every
figure is an aggregate, as in the real returns."""

import random
from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import time_machine
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from trust_portal.demo_time import moment, working_day
from trust_portal.periods import FIRST_MONTH, financial_year_of, next_month

DEFAULT_SEED = 18
ARRANGEMENTS_AT_SCALE_1 = 50
COUNCILS_AT_SCALE_1 = 150
TRUST_PREFIX = "GT"
COUNCIL_PREFIX = "GC"
# Every generated row that has words says so, in these words or with them at the start.
GENERATED = "Synthetic: made by the national-scale generator"
REASON = "Generated for the national-scale benchmark"
BATCH = 2000


@dataclass
class Party:
    """One generated arrangement: its trust, councils (in code order), the trust's manager
    and one officer for each council (in the councils' order), and each council's size (its
    children's services' caseload against North Northamptonshire's, 0.3 to 2.5)."""

    arrangement: object
    trust: object
    councils: list
    manager: object = None
    officers: list = field(default_factory=list)
    sizes: list[float] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.trust.code


@dataclass
class Plan:
    """What one run generates, and what it has made so far (``counts``: rows per kind).

    ``now`` is the real moment the run started, taken once: the generator runs most of its
    work as of past moments (``as_of``), where the clock says something else, so "today"
    (what is due, paid, ended or held by now) is always read from here, never the clock."""

    seed: int
    scale: float
    months: list[date]
    now: datetime = field(default_factory=timezone.now)
    parties: list[Party] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)

    @property
    def today(self) -> date:
        return timezone.localdate(self.now)

    @property
    def founded(self) -> datetime:
        """When the arrangements, their people, rules, teams and projects are recorded: 10:00
        on 1 March before the first financial year starts (its targets follow on 10 March),
        so a view of any generated month as it was recorded (``?as_of=``) finds them."""
        return moment(date(self.financial_years[0], 3, 1))

    @property
    def arrangements(self) -> int:
        return max(1, round(ARRANGEMENTS_AT_SCALE_1 * self.scale))

    @property
    def councils(self) -> int:
        """150 at scale 1: three a trust on average, never fewer than one a trust."""
        return max(self.arrangements, round(COUNCILS_AT_SCALE_1 * self.scale))

    @property
    def financial_years(self) -> list[int]:
        return sorted({financial_year_of(m) for m in self.months})

    def rng(self, *keys) -> random.Random:
        """A random generator for one row, seeded from the run's seed and ``keys`` (the kind,
        the arrangement, the month...): a row's figures do not depend on the order of work."""
        return random.Random(":".join([str(self.seed), *map(str, keys)]))

    def count(self, kind: str, rows: int) -> None:
        self.counts[kind] += rows


def has_history(model) -> bool:
    return hasattr(model, "history")


def bulk(plan: Plan, model, objects: Iterable, *, kind: str | None = None) -> list:
    """Insert ``objects`` of ``model`` in batches, with a history row each if the model keeps
    history (``kept_history``: in bulk, as of now, with ``REASON``); counted in the plan under
    ``kind`` (the model's verbose plural by default) and "<kind> (history)". Returns them with
    their keys."""
    objects = list(objects)
    if not objects:
        return objects
    name = kind or str(model._meta.verbose_name_plural)
    plan.count(name, 0)  # listed before its history rows
    if has_history(model):
        made = bulk_create_with_history(
            objects, model, batch_size=BATCH, default_change_reason=REASON
        )
        plan.count(f"{name} (history)", len(made))
    else:
        made = model._default_manager.bulk_create(objects, batch_size=BATCH)
    plan.count(name, len(made))
    return made


def approval_moment(plan: Plan, month: date) -> datetime:
    """When a month's return is approved by its last council: 14:00 on working day 10 of the
    month after (as in the demo), never later than a minute before the run started."""
    when = moment(working_day(next_month(month), 10), 14)
    return min(when, plan.now - timedelta(minutes=1))


def submission_moment(plan: Plan, month: date) -> datetime:
    """When a month's return is started, saved and submitted by the trust's manager: 11:00 on
    working day 6 of the month after, never later than two minutes before the run started."""
    when = moment(working_day(next_month(month), 6), 11)
    return min(when, plan.now - timedelta(minutes=2))


# Months are placed on a council's path by the calendar (months since FIRST_MONTH), never by
# their place in the generated window: the same seed gives a month the same figures whatever
# --until or --years is, and whichever day the generator runs.
PATH_BEGINS = date(2012, 1, 1)


def month_number(month: date) -> int:
    """Months since ``trust_portal.periods.FIRST_MONTH`` (January 2000 is 0)."""
    return (month.year - FIRST_MONTH.year) * 12 + month.month - FIRST_MONTH.month


@dataclass(frozen=True)
class Path:
    """How far a council's service has come (0 inadequate, 1 good) in any month: from
    ``start`` before month number ``begins`` to ``end`` after ``span`` more months, in a
    straight line between."""

    start: float
    end: float
    begins: int
    span: int

    def at(self, month: date) -> float:
        done = min(1.0, max(0.0, (month_number(month) - self.begins) / self.span))
        return self.start + (self.end - self.start) * done


def path(plan: Plan, kind: str, council: str) -> Path:
    """A council's path for ``kind`` from the seed: it starts improving somewhere from 2012
    to 2022 and takes four to ten years to get where it is going."""
    random = plan.rng(kind, council)
    start, end = random.uniform(0.0, 0.5), random.uniform(0.4, 1.0)
    begins = month_number(PATH_BEGINS) + random.randint(0, 120)
    return Path(start=start, end=end, begins=begins, span=random.randint(48, 120))


@contextmanager
def as_of(when: datetime):
    """Run what is inside as if it were ``when``: the rows' ``auto_now_add`` stamps and their
    history rows carry that moment, not the moment the generator ran."""
    with time_machine.travel(when, tick=False):
        yield when
