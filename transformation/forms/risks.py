"""Forms and filters of the risk register; the rules themselves are in
``transformation/services/risks.py``."""

import django_filters
from django import forms
from django.utils import timezone

from transformation.models import Risk
from transformation.services import risks
from trust_portal.api.lists import StrictBooleanFilter
from trust_portal.govuk_forms import GovukForm

DATE = forms.DateInput(attrs={"type": "date"})


def _text(rows: int, **kwargs):
    return forms.CharField(widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


def _scale(label: str, words: dict, message: str, help_text: str):
    choices = [(str(n), f"{n} – {word}") for n, word in words.items()]
    errors = {"required": f"{message}.", "invalid_choice": f"{message}."}
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages=errors,
        help_text=help_text,
    )


def likelihood_field():
    return _scale(
        "Likelihood",
        risks.LIKELIHOOD,
        risks.LIKELIHOOD_MESSAGE,
        "How likely it is to happen, as things stand.",
    )


def impact_field():
    return _scale(
        "Impact",
        risks.IMPACT,
        risks.IMPACT_MESSAGE,
        "How bad it would be for children, the service or the money.",
    )


def review_date_field(label: str, help_text: str):
    return forms.DateField(
        label=label,
        widget=DATE,
        help_text=help_text,
        error_messages={
            "required": "Enter the date the risk is next reviewed.",
            "invalid": "Enter the date of the next review as a real date, for example 31/3/2026.",
        },
    )


class RiskForm(GovukForm):
    reference = forms.CharField(
        max_length=20, help_text="Unique in the register, for example R07 or TR-12."
    )
    title = forms.CharField(max_length=200)
    project = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="None: a risk to the whole programme",
        help_text="Leave it as none for a programme-level risk.",
    )
    description = _text(4, help_text="What might happen, why, and what it would mean.")
    likelihood = likelihood_field()
    impact = impact_field()
    owner = forms.CharField(
        max_length=200, help_text="A post, for example 'Director of Children's Services, NCT'."
    )
    mitigation = _text(4, help_text="What is being done to make it less likely or less harmful.")
    review_date = review_date_field("Next review", "When the owner next reviews it.")
    reason = _text(2, label="Why it changes", help_text="Kept in the history with your name.")

    def __init__(self, *args, arrangement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = arrangement.projects.order_by("name")


class ReviewForm(GovukForm):
    likelihood = likelihood_field()
    impact = impact_field()
    mitigation = _text(4, help_text="As it now stands: change it if the review changed it.")
    review_date = review_date_field("Date of the next review", "After today.")
    note = _text(
        3,
        label="What the review found",
        help_text="For example 'Vacancies down to 12.9%: likelihood lowered'. Kept in the "
        "history with your name.",
    )


class CloseForm(GovukForm):
    reason = _text(
        3,
        label="Why it is closed",
        help_text="For example 'The new system went live'. Kept in the history with your name.",
    )


class ReopenForm(GovukForm):
    reason = _text(
        3,
        label="Why it is reopened",
        help_text="For example 'Agency use rising again'. Kept in the history with your name.",
    )
    review_date = review_date_field(
        "Date of the next review", "Today or later: a reopened risk needs reviewing."
    )


# --- Filters ----------------------------------------------------------------------------------

PROGRAMME = "programme"


class RiskFilter(django_filters.FilterSet):
    """The API's filters; the register's page draws the same ones as a form
    (``RegisterFilter``)."""

    trust = django_filters.CharFilter(field_name="arrangement__trust__code", lookup_expr="iexact")
    project = django_filters.CharFilter(
        method="filter_project",
        help_text='A project\'s name, or "programme" for the risks to the whole programme.',
    )
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices)
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text="true: open risks whose review date has passed; false: every other risk.",
    )

    class Meta:
        model = Risk
        fields = ["trust", "project", "status", "overdue"]

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def filter_project(self, queryset, name, value):
        if not value:
            return queryset
        if value.lower() == PROGRAMME:
            return queryset.filter(project__isnull=True)
        return queryset.filter(project__name__iexact=value)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = risks.overdue(queryset, self.today)
        return late if value else queryset.exclude(pk__in=late.values("pk"))


STATUSES = [
    (Risk.Status.OPEN, "Open risks"),
    (Risk.Status.CLOSED, "Closed risks"),
    ("all", "Open and closed"),
]


class RegisterFilter(RiskFilter):
    """The register page's filter: a project (or programme-level), a status (open unless
    another is chosen) and overdue reviews only."""

    trust = None
    project = django_filters.ChoiceFilter(
        method="filter_project", label="Project", empty_label="The programme and every project"
    )
    status = django_filters.ChoiceFilter(
        method="filter_status", label="Status", choices=STATUSES, empty_label=None
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue_only", label="Overdue reviews only", widget=forms.CheckboxInput
    )

    class Meta(RiskFilter.Meta):
        fields = ["project", "status", "overdue"]
        form = GovukForm

    def __init__(self, data, *args, arrangement, **kwargs):
        data = data.copy()
        data.setdefault("status", Risk.Status.OPEN)
        super().__init__(data, *args, **kwargs)
        names = arrangement.projects.order_by("name").values_list("name", flat=True)
        self.filters["project"].extra["choices"] = [
            (PROGRAMME, "Programme-level risks only"),
            *((name, name) for name in names),
        ]

    def filter_status(self, queryset, name, value):
        return queryset if value == "all" else queryset.filter(status=value)

    def filter_overdue_only(self, queryset, name, value):
        return risks.overdue(queryset, self.today) if value else queryset
