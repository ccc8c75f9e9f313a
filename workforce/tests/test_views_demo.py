"""The workforce pages on the demo: December 2018's review and the overview's staff mix download
show the Commissioner's report's mix beside the census's rates (33.8 / 17.7 / 5.5 / 25.0 / 18.0%
of 328 posts; by the census's definition a vacancy rate of 43.0%). The pages' workings on figures
of the tests' own are in ``test_views.py``."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from trust_portal.dashboards.services import snapshot_recompute
from workforce.models import WorkforceReturn

OVERVIEW = reverse("workforce:overview", args=["NCT"])


def url(workforce_return, name="return-detail", query=""):
    path = reverse(
        f"workforce:{name}",
        args=[
            workforce_return.arrangement.code,
            f"{workforce_return.period:%Y-%m}",
            workforce_return.revision,
        ],
    )
    return path + query


def demo(month: str) -> WorkforceReturn:
    return WorkforceReturn.objects.get(
        arrangement__trust__code="NCT", period=date.fromisoformat(month + "-01")
    )


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def built(cast, nct):
    snapshot_recompute(arrangement=nct, names=["workforce"])


def test_december_2018_shows_the_reports_mix_beside_the_dfe_rates(cast, client_for):
    body = client_for(cast["wnc-scrutiny"]).get(url(demo("2018-12"))).content.decode()
    for share in ["33.8%", "17.7%", "5.5%", "25.0%", "18.0%"]:
        assert share in body
    assert "Newly qualified and international first year together" in body
    assert "76.00" in body and "23.2%" in body  # the report's "over 23%"
    assert "43.0%" in body  # the census vacancy rate: (59 + 82) / 328
    assert "Not enough months: 1 of the 12 have figures" in body
    assert "approved performance return for December 2018" in body  # caseloads side by side


def test_the_staff_mix_download_has_december_2018_as_shares_of_posts(cast, built, client_for):
    rows = csv_rows(
        client_for(cast["wnc-officer"]).get(OVERVIEW, {"table": "mix", "format": "csv"})
    )
    december = next(r for r in rows if r[0] == "2018-12")
    header = rows[0]
    shares = {h: december[i] for i, h in enumerate(header) if h.endswith("(% of posts)")}
    assert shares == {
        "Experienced permanent (% of posts)": "33.8",
        "Newly qualified (ASYE) (% of posts)": "17.7",
        "International, first year (% of posts)": "5.5",
        "Inexperienced permanent (ASYE and international first year) (% of posts)": "23.2",
        "Agency, covering a vacant post (% of posts)": "25.0",
        "Vacant, no cover (% of posts)": "18.0",
    }
    assert december[1] == "" and next(r for r in rows if r[0] == "2023-08")[1] == "yes"
