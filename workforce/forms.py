"""Forms of the workforce pages. FTE and counts are typed as text and read by
``workforce.services``, which says what is wrong with them; a refused form shows exactly what was
typed."""

from django import forms

from trust_portal.approvals import forms as approvals
from trust_portal.govuk_forms import GovukForm
from workforce.models import Team
from workforce.services import ALL_STAFF, FIELDS

# The entry table's column groups: (heading, [(field, short column heading)]).
COLUMNS = [
    (
        "Posts (FTE)",
        [
            ("establishment_fte", "Establishment"),
            ("experienced_fte", "Experienced permanent"),
            ("asye_fte", "ASYE"),
            ("international_fte", "International first year"),
            ("agency_fte", "Agency"),
            ("agency_over_establishment_fte", "Of whom over establishment"),
            ("vacant_fte", "Vacant, no cover"),
        ],
    ),
    (
        "Starters and leavers in the month",
        [
            ("starters", "Starters (heads)"),
            ("starters_fte", "Starters (FTE)"),
            ("leavers", "Leavers (heads)"),
            ("leavers_fte", "Leavers (FTE)"),
        ],
    ),
    (
        "Caseloads at the month end",
        [
            ("open_cases", "Open cases held"),
            ("workers_holding_cases", "Workers holding cases"),
            ("case_holding_fte", "Case-holding FTE"),
            ("workers_over_limit", "Workers above the limit"),
            ("unallocated_cases", "Unallocated cases"),
        ],
    ),
]


class WorkforceStartForm(approvals.StartForm):
    pass


def _shown(value) -> str:
    if value is None:
        return ""
    return f"{value:.2f}" if hasattr(value, "quantize") else str(value)


class WorkforceFiguresForm(approvals.FiguresForm):
    """The entry form: teams down (grouped by council area), figures across."""

    def __init__(self, *args, teams, figures, all_staff=None, last=None, **kwargs):
        """``teams``: the teams to report, in order; ``figures``: their saved TeamFigures by
        team id; ``all_staff``: the return (its all-staff figures), if any; ``last``: last
        month's approved TeamFigures by team id, shown beside the boxes."""
        super().__init__(*args, **kwargs)
        self.teams = teams
        self.last = last or {}
        for key, (field, words) in ALL_STAFF.items():
            self.fields[f"all_staff__{key}"] = forms.CharField(
                required=False,
                label=words[0].upper() + words[1:],
                initial=_shown(getattr(all_staff, field, None)),
            )
        for team in teams:
            saved = figures.get(team.pk)
            for field, words in FIELDS.items():
                self.fields[f"{team.pk}__{field}"] = forms.CharField(
                    required=False,
                    label=f"{team.name}: {words}",
                    initial=_shown(getattr(saved, field)) if saved is not None else "",
                )

    def teams_typed(self) -> dict:
        data = self.cleaned_data
        return {
            str(team.pk): {field: data.get(f"{team.pk}__{field}", "") for field in FIELDS}
            for team in self.teams
        }

    def all_staff_typed(self) -> dict:
        return {key: self.cleaned_data.get(f"all_staff__{key}", "") for key in ALL_STAFF}

    def all_staff_fields(self):
        return [self[f"all_staff__{key}"] for key in ALL_STAFF]

    def grid(self):
        """[(area, [(team, [bound field per column], [last month's figure per column] or
        None)])] for the template."""
        areas: dict = {}
        fields = [field for _, columns in COLUMNS for field, _ in columns]
        for team in self.teams:
            cells = [self[f"{team.pk}__{field}"] for field in fields]
            last = self.last.get(team.pk)
            before = [_shown(getattr(last, field)) for field in fields] if last else None
            areas.setdefault(team.area, []).append((team, cells, before))
        return list(areas.items())


class QueryForm(approvals.QueryForm):
    query = approvals.query_field("teams' figures")


class CorrectionForm(approvals.CorrectionForm):
    reason = approvals.reason_field("workforce return")


class TeamForm(GovukForm):
    name = forms.CharField(label="Team name", max_length=200)
    service = forms.ChoiceField(label="Service", choices=Team.Service.choices)
    area = forms.ModelChoiceField(
        label="Council area",
        queryset=None,
        empty_label=None,
        help_text="The council area the team serves.",
        to_field_name="code",
    )
    reason = forms.CharField(
        label="Why is this change being made?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the team's history with your name.",
    )

    def __init__(self, *args, arrangement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = arrangement.councils.order_by("code")


class TeamCloseForm(GovukForm):
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the team's history with your name.",
    )
