"""A kind of return: what one app declares so that the shared pages (``approvals.views``) and
API (``approvals.api``) run its monthly life.

The life itself (states, area approvals, locking, revisions, emails) is ``approvals.services``;
a kind adds only what is its own: its model, its services (which check its figures and call
the shared life, and queue its dashboards' recompute on approval), its figures' form and
partials, the reads its review page shows, and the words its pages use where they differ.
docs/architecture.md ("Adding a kind of return") gives the recipe.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from trust_portal.approvals.pages import submission_or_404

# The services every kind provides, by the name the shared pages and API call them:
# start(by, arrangement, month); save(by, <object_name>, expected_version, **figures);
# submit, approve (True once every council has), send_back(query), correct(reason) → new.
SERVICES = ("start", "save", "submit", "approve", "send_back", "correct")


def services_named(module, prefix: str) -> dict[str, Callable]:
    """A kind's services by the house's names: ``services_named(budget, "budget_return_")``
    finds ``budget.budget_return_start``, ``…_save``, ``…_submit`` and so on."""
    return {name: getattr(module, prefix + name) for name in SERVICES}


def _nothing(*args, **kwargs) -> dict:
    return {}


@dataclass(frozen=True)
class Wording:
    """What a kind's pages and forms call things, where the kinds' pages differ."""

    missing: str  # the 404 of a month one may not see
    locked: str  # the entry page of a locked month
    correct_heading: str  # the correction page's heading
    saved: str | None = (
        None  # after saving figures (None: "Figures saved." / "Nothing had changed.")
    )


@dataclass(frozen=True)
class ReturnKind:
    """One kind of monthly return.

    ``namespace`` and ``route`` name its pages (``performance:return-edit``,
    ``contracts:budget-edit``); ``object_name`` is both its services' keyword for the return
    (``monthly_return=``) and the name its templates know it by; ``templates`` the prefix of
    its templates (``performance/return_`` → ``return_list.html``, ``…detail``, ``…edit``,
    ``…action``).

    Hooks, each taking the return (or arrangement) and giving a dict for the page's context:
    ``figures_form(submission, data)`` builds the entry form (unbound when ``data`` is None);
    ``figures_saved(form)`` gives the save service's figures keywords from a valid form;
    ``review(request, submission, editable)`` the review page's figures (or a download
    response); ``entry(submission)`` anything else the entry page shows; ``listing(request,
    arrangement, rows)`` the list's extras (or a download response); ``due_dates(arrangement,
    months)`` each month's due date ({month: date}), for a kind with a due rule (none: the
    list shows no due dates).

    Before submitting and approving: ``checks(submission)`` lists what stops submission
    (``approvals.checks.Problem``s, each naming its row and area and its entry form's field;
    the kind's submit service refuses on the same list); ``summary(submission, area)`` what
    the return holds, for the check page (``area`` None: every area) and an officer's
    confirmation (``area``: their council's code), as (key, value) rows of a summary list.
    """

    model: type
    namespace: str
    route: str
    object_name: str
    templates: str
    services: dict[str, Callable]
    wording: Wording
    start_form: type
    query_form: type
    correction_form: type
    figures_form: Callable
    figures_saved: Callable
    review: Callable
    checks: Callable
    summary: Callable
    entry: Callable = field(default=_nothing)
    listing: Callable = field(default=_nothing)
    due_dates: Callable | None = None
    query_rows: Callable | None = None

    def __post_init__(self):
        missing = set(SERVICES) - set(self.services)
        assert not missing, f"{self.model.__name__} kind lacks services {sorted(missing)}"

    def url_name(self, page: str) -> str:
        return f"{self.namespace}:{self.route}-{page}"

    def urls(self, submission) -> dict[str, str]:
        """The addresses of one return's actions, by name: ``urls.send_back`` in a template."""
        args = [submission.arrangement.code, f"{submission.period:%Y-%m}", submission.revision]
        pages = ("edit", "submit", "approve", "send-back", "correct")
        return {page.replace("-", "_"): reverse(self.url_name(page), args=args) for page in pages}

    def one_or_404(self, request, code, month, revision):
        """One revision of one month, if the signed-in person may see it."""
        return submission_or_404(
            request, self.model, code, month, revision, missing=self.wording.missing
        )

    def template(self, page: str) -> str:
        return f"{self.templates}{page}.html"

    def start(self, *, by, arrangement, month):
        return self.services["start"](by=by, arrangement=arrangement, month=month)

    def run(self, service: str, submission, *, by, **kwargs):
        """One of the kind's services on one return: ``run("submit", r, by=user)``."""
        return self.services[service](by=by, **{self.object_name: submission}, **kwargs)
