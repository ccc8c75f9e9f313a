"""The scrutiny committee pack: sections picked by month and year, small counts hidden, issuing
(the figures and the PDF kept as issued), and who may do what.

Built on factories: the root ``world``'s arrangement, with the snapshots each test stores (the
world has none of its own) and its people (``cast``: theirs and a scrutiny member of the second
council)."""

import hashlib
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from performance.tests.factories import MonthlyReturnFactory
from trust_portal.accounts.tests.factories import ScrutinyMemberFactory
from trust_portal.approvals.models import State
from trust_portal.dashboards import packs
from trust_portal.dashboards.figures import check_snapshot, column, table, table_block
from trust_portal.dashboards.models import IssuedPack, Snapshot
from workforce.tests.factories import WorkforceReturnFactory

FAKE_PDF = b"%PDF-1.7 made in a test"
READERS = ["officer", "other-officer", "manager", "observer", "scrutiny", "admin"]


def counts_table(rows):
    return table(
        [
            column("area", "Area"),
            column("children", "Children", "count"),
            column("visited", "Visited in time", "count"),
            column("rate", "Visited in time (%)", "percent", counts=["visited", "children"]),
        ],
        rows,
    )


def block(block_id, title, rows=None):
    return table_block(block_id, title, counts_table(rows or [["North", 40, 30, "75.0"]]))


def store(arrangement, name, data, *, at=None):
    check_snapshot(data)
    Snapshot.objects.update_or_create(
        arrangement=arrangement,
        name=name,
        defaults={
            "data": data,
            "computed_at": at or timezone.now(),
            "source": f"approved {name} figures",
        },
    )


@pytest.fixture
def cast(world, people):
    """{name: user}: the world's people and a scrutiny member of its second council."""
    return {**people, "other-scrutiny": ScrutinyMemberFactory(organisation=world.councils[1])}


@pytest.fixture
def snapshots(arrangement):
    """Overview and workforce by month, finance by financial year, transformation by default."""
    store(arrangement, "performance-pack", {"title": "Pack", "blocks": [], "pack": {"by_month": {
        "2024-06": [block("scorecard", "Scorecard for June")],
        "2024-07": [block("scorecard", "Scorecard for July", [["North", 40, 3, "7.5"],
                                                               ["West", 12, 12, "100.0"]])],
    }}})  # fmt: skip
    store(arrangement, "finance", {"title": "Finance", "blocks": [], "pack": {"by_year": {
        "2023": [block("sum", "Contract sum 2023/24")],
        "2024": [block("sum", "Contract sum 2024/25")],
    }}})  # fmt: skip
    cases = [block("cases", "Cases by theme")]
    store(
        arrangement,
        "transformation",
        {"title": "Transform", "blocks": [], "pack": {"default": cases}},
    )
    return arrangement


def titles(pack):
    return [[b["title"] for b in s["blocks"]] for s in pack["sections"]]


# --- Hiding small counts ---------------------------------------------------------------------


def pack_of(*blocks_):
    return {"sections": [{"name": "overview", "title": "Scorecard", "blocks": list(blocks_)}]}


def rows_after(pack, threshold=5):
    return packs.pack_suppress(pack, threshold=threshold)["sections"][0]["blocks"][0]["table"][
        "rows"
    ]


def test_counts_from_one_to_four_print_as_fewer_than_5_and_zero_is_shown():
    rows = [["A", 0, 0, None], ["B", 1, 1, None], ["C", 4, 4, None], ["D", 5, 5, None]]
    rows += [["E", 12, 12, None]]
    hidden = rows_after(pack_of(block("b", "B", rows)))
    assert [row[1] for row in hidden] == [0, "fewer than 5", "fewer than 5", 5, 12]


def test_a_percentage_is_hidden_when_either_of_its_counts_is():
    rows = [["North", 40, 3, "7.5"], ["West", 3, 0, "0.0"], ["Both", 43, 43, "100.0"]]
    hidden = rows_after(pack_of(block("b", "B", rows)))
    assert hidden == [
        ["North", 40, "fewer than 5", "fewer than 5"],
        ["West", "fewer than 5", 0, "fewer than 5"],
        ["Both", 43, 43, "100.0"],
    ]


def test_a_sparkline_beside_a_hidden_count_is_not_shown():
    from trust_portal.dashboards.figures import sparkline_svg

    trend = sparkline_svg([2, 3, 4], label="Rising from 2 to 4")
    counts = table([column("area", "Area"), column("n", "Children", "count"),
                    column("trend", "Trend", "sparkline")],
                   [["North", 4, trend], ["West", 40, trend]])  # fmt: skip
    hidden = rows_after(pack_of(table_block("s", "Trend", counts)))
    assert hidden == [["North", "fewer than 5", "trend not shown"], ["West", 40, trend]]


def test_the_pack_uses_its_own_threshold():
    hidden = rows_after(pack_of(block("b", "B", [["North", 40, 9, "22.5"]])), threshold=10)
    assert hidden == [["North", 40, "fewer than 10", "fewer than 10"]]


def test_a_rate_that_names_its_counts_is_hidden_like_a_percentage():
    rates = table([column("n", "Children", "count"), column("d", "Population", "count"),
                   column("per", "Per 10,000", "number", counts=["n", "d"])],
                  [[3, 52000, "0.6"], [60, 52000, "11.5"]])  # fmt: skip
    hidden = rows_after(pack_of(table_block("r", "Rates", rates)))
    assert hidden == [["fewer than 5", 52000, "fewer than 5"], [60, 52000, "11.5"]]


def test_other_kinds_of_column_are_never_hidden():
    money = table([column("line", "Line"), column("amount", "Amount", "money"),
                   column("posts", "Posts", "number")], [["Block 1", "3.00", "2.5"]])  # fmt: skip
    hidden = rows_after(pack_of(table_block("m", "Money", money)))
    assert hidden == [["Block 1", "3.00", "2.5"]]


def test_hiding_works_on_a_copy():
    pack = pack_of(block("b", "B", [["North", 40, 3, "7.5"]]))
    packs.pack_suppress(pack, threshold=5)
    assert pack["sections"][0]["blocks"][0]["table"]["rows"] == [["North", 40, 3, "7.5"]]


def test_a_chart_prints_as_its_table_without_the_figure(arrangement):
    import plotly.graph_objects as go

    from trust_portal.dashboards.figures import chart_block

    rows = [["North", 40, 3, "7.5"]]
    figure = go.Figure(go.Bar(x=["North"], y=[3]))
    chart = chart_block("c", "Visits", figure, counts_table(rows), summary="North visited 3.")
    store(arrangement, "workforce", {"title": "Workforce", "blocks": [],
                                     "pack": {"default": [chart]}})  # fmt: skip
    assembled = packs.pack_assemble(arrangement=arrangement, month=date(2024, 7, 1))
    printed = packs.pack_suppress(assembled, threshold=5)["sections"][3]["blocks"][0]
    assert printed["kind"] == "table" and printed["chart"] is True
    assert "figure" not in printed
    assert printed["table"]["rows"] == [["North", 40, "fewer than 5", "fewer than 5"]]


def test_a_section_with_a_table_wider_than_seven_columns_is_printed_landscape():
    wide = table([column(f"c{n}", f"C{n}") for n in range(8)], [list("abcdefgh")])
    narrow = table([column(f"c{n}", f"C{n}") for n in range(7)], [list("abcdefg")])
    pack = {**pack_of(table_block("w", "Wide", wide), table_block("n", "Narrow", narrow)),
            "threshold": 5}  # fmt: skip
    section = packs.pack_context(pack)["pack"]["sections"][0]
    assert [b["wide"] for b in section["blocks"]] == [True, False]
    assert section["wide"] is True


# --- Assembling ------------------------------------------------------------------------------


def test_the_sections_come_in_order_picked_by_month_then_year_then_default(snapshots):
    pack = packs.pack_assemble(arrangement=snapshots, month=date(2024, 7, 1))
    assert [s["name"] for s in pack["sections"]] == [
        "performance-pack", "finance", "transformation", "workforce"
    ]  # fmt: skip
    assert titles(pack) == [
        ["Scorecard for July"],
        ["Contract sum 2024/25"],
        ["Cases by theme"],
        [],
    ]
    assert pack["sections"][3]["empty"] == "No approved workforce return for July 2024."


def test_a_month_in_march_takes_the_financial_year_that_began_the_april_before(snapshots):
    pack = packs.pack_assemble(arrangement=snapshots, month=date(2024, 3, 1))
    assert titles(pack)[:2] == [[], ["Contract sum 2023/24"]]
    assert pack["sections"][0]["empty"] == "No approved performance figures for March 2024."


def test_each_section_says_when_its_snapshot_was_computed_and_from_what(arrangement):
    at = timezone.make_aware(timezone.datetime(2024, 8, 3, 14, 2))
    store(arrangement, "finance", {"title": "Finance", "blocks": []}, at=at)
    finance = packs.pack_assemble(arrangement=arrangement, month=date(2024, 7, 1))["sections"][1]
    assert timezone.datetime.fromisoformat(finance["computed_at"]) == at
    assert finance["computed_text"] == "14:02 on 3 August 2024"
    assert finance["source"] == "approved finance figures"


def test_the_cover_gives_the_approval_state_of_the_months_returns(arrangement):
    # The world's July 2024 workforce return is approved on 5 August; its July performance
    # return is still a draft, and a draft's figures are not in the pack.
    WorkforceReturnFactory(
        arrangement=arrangement,
        period=date(2024, 7, 1),
        state=State.APPROVED,
        approved_at=timezone.make_aware(timezone.datetime(2024, 8, 5, 12, 0)),
    )
    MonthlyReturnFactory(arrangement=arrangement, period=date(2024, 7, 1))
    approval = packs.pack_assemble(arrangement=arrangement, month=date(2024, 7, 1))["approval"]
    states = {a["return"]: a for a in approval}
    assert states["Workforce return"]["approved"] is True
    assert states["Workforce return"]["text"].startswith("Approved")
    assert states["Workforce return"]["text"] == "Approved on 5 August 2024"
    assert states["Performance return"]["approved"] is False
    assert states["Performance return"]["text"] == (
        "Not approved: its figures are not in this pack"
    )


# --- Issuing ---------------------------------------------------------------------------------


def issue(user, arrangement, **extra):
    return packs.pack_issue(by=user, arrangement=arrangement, month=date(2024, 7, 1),
                            threshold=extra.pop("threshold", 5), **extra)  # fmt: skip


def test_issuing_keeps_the_hidden_figures_and_a_real_pdf(snapshots, cast):
    issued = issue(cast["officer"], snapshots, committee="Children's Scrutiny")
    issued.refresh_from_db()
    pdf = bytes(issued.pdf)
    assert pdf.startswith(b"%PDF")
    assert issued.sha256 == hashlib.sha256(pdf).hexdigest()
    assert issued.title == "Scrutiny committee pack: July 2024"
    overview = issued.data["sections"][0]["blocks"][0]["table"]["rows"]
    assert overview == [["North", 40, "fewer than 5", "fewer than 5"], ["West", 12, 12, "100.0"]]
    assert issued.data["threshold"] == issued.threshold == 5
    assert issued.data["sections"][1]["source"] == "approved finance figures"


@mock.patch("trust_portal.dashboards.packs.pack_pdf", return_value=FAKE_PDF)
def test_an_issued_pack_shows_what_was_issued_after_the_snapshots_change(
    _pdf, snapshots, cast, client_for
):
    issued = issue(cast["officer"], snapshots)
    store(snapshots, "performance-pack", {"title": "Overview", "blocks": [], "pack": {"by_month": {
        "2024-07": [block("scorecard", "Scorecard recomputed", [["North", 41, 30, "73.2"]])],
    }}})  # fmt: skip
    client = client_for(cast["other-scrutiny"])
    page = client.get(
        reverse("packs:pack-detail", args=[snapshots.code, issued.pk])
    ).content.decode()
    assert "Scorecard for July" in page and "Scorecard recomputed" not in page
    assert "fewer than 5" in page
    preview = client.get(
        reverse("packs:pack-preview", args=[snapshots.code, "2024-07"])
    ).content.decode()
    assert "Scorecard recomputed" in preview


@mock.patch("trust_portal.dashboards.packs.pack_pdf", return_value=FAKE_PDF)
def test_an_issued_pack_cannot_be_changed_or_deleted(_pdf, snapshots, cast):
    issued = issue(cast["officer"], snapshots)
    issued.title = "Something else"
    with pytest.raises(ValidationError, match="cannot be changed"):
        issued.save()
    with pytest.raises(ValidationError, match="cannot be deleted"):
        issued.delete()
    assert IssuedPack.objects.get(pk=issued.pk).title == "Scrutiny committee pack: July 2024"


@pytest.mark.parametrize("who", ["manager", "observer", "scrutiny", "admin"])
def test_only_council_officers_may_issue_a_pack(who, snapshots, cast):
    with pytest.raises(PermissionDenied):
        issue(cast[who], snapshots)


def test_an_officer_of_another_arrangement_may_not_issue_its_pack(snapshots, cast):
    with pytest.raises(PermissionDenied):
        issue(cast["outsider"], snapshots)


@pytest.mark.parametrize("threshold", [0, 101])
def test_a_threshold_outside_1_to_100_is_refused(threshold, snapshots, cast):
    with pytest.raises(ValidationError):
        issue(cast["officer"], snapshots, threshold=threshold)


# --- Pages -----------------------------------------------------------------------------------


def issue_url(arrangement, month="2024-07"):
    return reverse("packs:pack-issue", args=[arrangement.code, month])


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer", 302), ("other-officer", 302), ("manager", 403), ("observer", 403),
     ("scrutiny", 403), ("admin", 403), ("outsider", 404), ("unattached", 404)],
)  # fmt: skip
@mock.patch("trust_portal.dashboards.packs.pack_pdf", return_value=FAKE_PDF)
def test_issuing_from_the_preview_is_for_the_arrangements_council_officers(
    _pdf, who, status, snapshots, cast, client_for
):
    response = client_for(cast[who]).post(
        issue_url(snapshots), {"threshold": "5", "committee": "Cttee"}
    )
    assert response.status_code == status
    assert IssuedPack.objects.filter(arrangement=snapshots).count() == (status == 302)


@mock.patch("trust_portal.dashboards.packs.pack_pdf", return_value=FAKE_PDF)
def test_the_issue_form_records_title_committee_meeting_and_threshold(
    _pdf, snapshots, cast, client_for
):
    data = {"threshold": "10", "title": "July pack", "committee": "Scrutiny",
            "meeting_date": "2024-09-18"}  # fmt: skip
    response = client_for(cast["officer"]).post(issue_url(snapshots), data)
    issued = IssuedPack.objects.get(arrangement=snapshots)
    assert response.url == reverse("packs:pack-detail", args=[snapshots.code, issued.pk])
    assert (issued.title, issued.committee, issued.meeting_date, issued.threshold) == (
        "July pack", "Scrutiny", date(2024, 9, 18), 10
    )  # fmt: skip
    assert issued.issued_by == cast["officer"]


def test_a_wrong_threshold_on_the_issue_form_is_shown_not_issued(snapshots, cast, client_for):
    before = IssuedPack.objects.count()  # the demo's packs are there too
    response = client_for(cast["officer"]).post(issue_url(snapshots), {"threshold": "0"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not IssuedPack.objects.filter(arrangement=snapshots).exists()
    assert IssuedPack.objects.count() == before


@pytest.mark.parametrize("who", READERS)
def test_everyone_in_the_arrangement_opens_the_list_preview_pack_and_pdf(
    who, snapshots, cast, client_for
):
    issued = IssuedPack.objects.create(
        arrangement=snapshots, month=date(2024, 7, 1), title="July pack", threshold=5,
        issued_by=cast["officer"], issued_at=timezone.now(),
        data=packs.pack_suppress(packs.pack_assemble(arrangement=snapshots,
                                                     month=date(2024, 7, 1)), threshold=5),
        pdf=FAKE_PDF, sha256=hashlib.sha256(FAKE_PDF).hexdigest(),
    )  # fmt: skip
    client = client_for(cast[who])
    listing = client.get(reverse("packs:pack-list", args=[snapshots.code]))
    assert listing.status_code == 200 and "July pack" in listing.content.decode()
    preview = client.get(reverse("packs:pack-preview", args=[snapshots.code, "2024-07"]))
    assert preview.status_code == 200
    assert ("Issue the pack" in preview.content.decode()) == (who in ("officer", "other-officer"))
    assert (
        client.get(reverse("packs:pack-detail", args=[snapshots.code, issued.pk])).status_code
        == 200
    )
    pdf = client.get(reverse("packs:pack-pdf", args=[snapshots.code, issued.pk]))
    assert pdf.status_code == 200 and pdf.content == FAKE_PDF
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="{snapshots.code}-scrutiny-pack-2024-07-{issued.pk}.pdf"'
    )


def test_the_preview_says_it_is_not_issued_and_when_each_snapshot_was_computed(
    snapshots, cast, client_for
):
    page = client_for(cast["scrutiny"]).get(
        reverse("packs:pack-preview", args=[snapshots.code, "2024-07"])
    )
    text = page.content.decode()
    assert "Preview — not issued" in text
    # A section without figures is not printed: one line names it (page one).
    assert "No figures for Workforce summary in July 2024." in text
    assert "No approved workforce return for July 2024." not in text
    assert 'id="pack-section-workforce"' not in text
    assert text.count("computed at") == 3
    assert 'href="/static/css/print.css" media="print"' in text


def test_the_preview_hides_counts_below_the_threshold_asked_for(snapshots, cast, client_for):
    url = reverse("packs:pack-preview", args=[snapshots.code, "2024-07"])
    text = client_for(cast["scrutiny"]).get(url, {"threshold": "20"}).content.decode()
    assert "fewer than 20" in text and "fewer than 5" not in text


def test_choosing_a_month_on_the_list_opens_its_preview(snapshots, cast, client_for):
    client = client_for(cast["observer"])
    response = client.get(reverse("packs:pack-list", args=[snapshots.code]), {"month": "2024-07"})
    assert response.url == reverse("packs:pack-preview", args=[snapshots.code, "2024-07"])
    wrong = client.get(reverse("packs:pack-list", args=[snapshots.code]), {"month": "July"})
    assert wrong.status_code == 200 and "Enter the month as year and month" in wrong.text
    early = client.get(reverse("packs:pack-list", args=[snapshots.code]), {"month": "1999-12"})
    assert early.status_code == 200 and "Enter a month from January 2000 to" in early.text


def test_the_list_shows_issued_packs_newest_first_twenty_a_page(snapshots, cast, client_for):
    start = timezone.now()
    for n in range(21):
        IssuedPack.objects.create(
            arrangement=snapshots, month=date(2024, 7, 1), title=f"Pack {n:02}", threshold=5,
            issued_by=cast["officer"], issued_at=start + timedelta(minutes=n),
            data={}, pdf=FAKE_PDF, sha256="0" * 64,
        )  # fmt: skip
    client = client_for(cast["scrutiny"])
    first = client.get(reverse("packs:pack-list", args=[snapshots.code])).context["page"]
    assert [p.title for p in first.object_list][:2] == ["Pack 20", "Pack 19"]
    assert len(first.object_list) == 20
    second = client.get(reverse("packs:pack-list", args=[snapshots.code]), {"page": 2}).context[
        "page"
    ]
    assert [p.title for p in second.object_list] == ["Pack 00"]


# --- The PDF's resources ---------------------------------------------------------------------


def test_the_pdf_loads_the_projects_static_files_only():
    fetcher = packs.static_only_fetcher()
    css = fetcher.fetch(packs.PDF_BASE_URL + "static/css/print.css")
    assert b"@page" in css.read()
    for url in [
        "https://example.org/static/css/print.css",
        "file:///etc/passwd",
        packs.PDF_BASE_URL + "static/../trust_portal/settings.py",
        packs.PDF_BASE_URL + "media/secret.pdf",
    ]:
        with pytest.raises(ValueError, match="only its own static files"):
            fetcher.fetch(url)


# --- Page one and the printed columns --------------------------------------------------------


def summary_pack():
    """A pack of two sections: the first with a page-one block, a block carrying headline
    figures, and a table with a column printed only with the details; the second empty."""
    matrix = {**block("matrix", "Scorecard"), "front": True}
    columns = [
        column("area", "Area"),
        column("n", "Children", "count", pack=False),
        column("rate", "Visited in time (%)", "percent", counts=["n"]),
    ]
    detailed = table(columns, [["North", 40, "75.0"]])
    money = {**table_block("money", "Money", detailed), "headline": [["Forecast", "£10.00"]]}
    return {
        "month_text": "July 2024",
        "threshold": 5,
        "sections": [
            {"name": "one", "title": "Performance", "blocks": [matrix, money]},
            {"name": "two", "title": "Workforce summary", "blocks": []},
        ],
    }


def test_page_one_has_the_front_blocks_and_headline_and_names_the_sections_without_figures():
    shown = packs.pack_context(summary_pack())["pack"]
    assert [b["title"] for b in shown["front"]] == ["Scorecard"]
    assert shown["headline"] == [["Forecast", "£10.00"]]
    assert [(s["name"], [b["title"] for b in s["blocks"]]) for s in shown["sections"]] == [
        ("one", ["Money"])
    ]
    assert shown["without"] == "No figures for Workforce summary in July 2024."


def test_a_column_not_for_the_pack_is_printed_only_with_the_details():
    plain = packs.pack_context(summary_pack())["pack"]["sections"][0]["blocks"][0]
    assert [c["key"] for c in plain["columns"]] == ["area", "rate"]
    assert [[value for value, _ in row] for row in plain["cells"]] == [["North", "75.0"]]
    detailed = packs.pack_context(summary_pack(), details=True)["pack"]["sections"][0]
    assert [c["key"] for c in detailed["blocks"][0]["columns"]] == ["area", "n", "rate"]


def test_columns_of_one_group_share_a_heading():
    columns = [
        column("i", "Indicator"),
        column("v", "Value", group="North"),
        column("r", "RAG", "rag", group="North"),
        column("w", "Value", group="All"),
    ]
    matrix = table_block("m", "Matrix", table(columns, [["A", "1", "red", "2"]]))
    pack = {**pack_of(matrix), "threshold": 5, "month_text": "July 2024"}
    shown = packs.pack_context(pack)["pack"]["sections"][0]["blocks"][0]
    assert shown["groups"] == [("", 1), ("North", 2), ("All", 1)]


def test_the_preview_prints_the_details_only_when_asked(snapshots, cast, client_for):
    matrix = block("scorecard", "Scorecard for July")
    matrix["table"]["columns"][1].update(label="Children seen", pack=False)
    data = {"title": "Pack", "blocks": [], "pack": {"by_month": {"2024-07": [matrix]}}}
    store(snapshots, "performance-pack", data)
    url = reverse("packs:pack-preview", args=[snapshots.code, "2024-07"])
    client = client_for(cast["scrutiny"])
    assert ">Children seen</th>" not in client.get(url).content.decode()
    asked = client.get(url, {"threshold": "5", "details": "on"}).content.decode()
    assert ">Children seen</th>" in asked


@mock.patch("trust_portal.dashboards.packs.pack_pdf", return_value=FAKE_PDF)
def test_an_issued_pack_is_told_to_webhooks_by_its_pdfs_address(_pdf, snapshots, cast):
    from trust_portal.webhooks.models import Event
    from trust_portal.webhooks.tests.conftest import delivered, listening

    hook = listening(snapshots, Event.PACK_ISSUED)
    issued = issue(cast["officer"], snapshots)
    url = f"http://127.0.0.1:8000/api/v1/packs/{issued.pk}/"
    assert delivered(hook) == [("pack.issued", snapshots.code, url)]


def test_the_packs_api_lists_the_issued_packs_and_gives_the_pdf_the_committee_saw(snapshots, cast):
    from rest_framework.test import APIClient

    issued = issue(cast["officer"], snapshots)
    client = APIClient()
    client.force_authenticate(cast["scrutiny"])
    listed = client.get("/api/v1/packs/").json()["results"]
    assert [(row["id"], row["trust"], row["sha256"]) for row in listed] == [
        (issued.pk, snapshots.code, issued.sha256)
    ]
    assert listed[0]["pdf"] == f"http://testserver/api/v1/packs/{issued.pk}/pdf/"
    assert listed[0]["url"] == f"/arrangements/{snapshots.code}/scrutiny-packs/{issued.pk}/"
    pdf = client.get(f"/api/v1/packs/{issued.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert bytes(pdf.content) == bytes(issued.pdf)
    client.force_authenticate(cast["outsider"])
    assert client.get(f"/api/v1/packs/{issued.pk}/").status_code == 404
    assert client.get(f"/api/v1/packs/{issued.pk}/pdf/").status_code == 404
    assert client.get("/api/v1/packs/").json()["results"] == []
