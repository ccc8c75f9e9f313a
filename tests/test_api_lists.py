"""Every list of /api/v1/, every way (trust_portal/api/lists.py), on the demo: ``?format=csv``
gives the whole filtered list, the rows the JSON pages show to the same person; filters and
``?ordering=`` narrow and order it, and a bad value of either is a 400 naming the parameter;
and each list reads in a fixed number of queries whatever its page size."""

import csv
import io
import json

import django_filters
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from transformation.tests.factories import RiskFactory
from trust_portal.accounts.models import Arrangement
from trust_portal.api.lists import ListsEveryWay, cell
from trust_portal.urls import router

VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}
LISTS = list(VIEWSETS)
# Whom the demo's lists are read as, besides its administrator (who sees every arrangement).
ROLES = ["nnc-officer", "nct-manager", "dfe-observer", "wnc-scrutiny", "oct-manager", "outsider"]


def api_as(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def every_page(client, url, params=None) -> list[dict]:
    found, page = [], 1
    while True:
        response = client.get(url, {**(params or {}), "page": page})
        assert response.status_code == 200, response.content
        found += response.json()["results"]
        if not response.json()["next"]:
            return found
        page += 1


def at(row: dict, dotted: str):
    """The value of a dotted column in a row's JSON (None under a nested object that is null)."""
    for name in dotted.split("."):
        row = row[name] if row is not None else None
    return row


def test_every_routed_list_lists_every_way():
    assert [p for p, viewset in VIEWSETS.items() if not issubclass(viewset, ListsEveryWay)] == []


# --- CSV -------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", LISTS)
def test_the_csv_of_a_list_is_every_row_the_json_pages_show_with_its_fields(cast, prefix):
    client = api_as(cast["admin"])
    url = f"/api/v1/{prefix}/"
    json_rows = every_page(client, url)
    response = client.get(url, {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{prefix}-2026-12-07.csv"'
    header, *rows = csv_rows(response)
    assert len(rows) == len(json_rows) > 0
    # Every field of the JSON, a nested object's by its dotted names, in order.
    assert list(dict.fromkeys(name.split(".")[0] for name in header)) == list(json_rows[0])
    for row, data in zip(rows, json_rows, strict=True):
        assert row == [cell(at(data, name)) for name in header]


def test_a_nested_objects_fields_are_dotted_columns(cast):
    response = api_as(cast["admin"]).get("/api/v1/contract-years/", {"format": "csv"})
    header = csv_rows(response)[0]
    assert header[header.index("split.basis") : header.index("split.shares") + 1] == [
        "split.basis",
        "split.agreed_on",
        "split.complete",
        "split.shares",
    ]
    assert "blocks.block3_remaining" in header
    assert "split" not in header


def test_the_csv_takes_the_lists_filters_and_ordering(cast):
    client = api_as(cast["admin"])
    params = {"council": "wnc", "year": "2024-25", "ordering": "-amount"}
    json_rows = every_page(client, "/api/v1/payments/", params)
    header, *rows = csv_rows(client.get("/api/v1/payments/", {**params, "format": "csv"}))
    assert len(rows) == len(json_rows) == 12
    assert {row[header.index("council")] for row in rows} == {"WNC"}
    assert {row[header.index("financial_year")] for row in rows} == {"2024"}
    assert [row[header.index("amount")] for row in rows] == [r["amount"] for r in json_rows]


@pytest.mark.parametrize("who", ROLES + ["admin"])
@pytest.mark.parametrize("prefix", LISTS)
def test_each_role_gets_in_the_csv_the_rows_the_json_counts_for_them(cast, who, prefix):
    client = api_as(cast[who])
    url = f"/api/v1/{prefix}/"
    counted, as_csv = client.get(url), client.get(url, {"format": "csv"})
    if counted.status_code == 403:  # a list the role may not read: nor as a CSV
        assert as_csv.status_code == 403
        assert as_csv.json() == counted.json()
        return
    assert counted.status_code == 200
    assert len(csv_rows(as_csv)) - 1 == counted.json()["count"]


def test_someone_signed_out_gets_no_csv(cast):
    response = api_as(None).get("/api/v1/payments/", {"format": "csv"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_text_a_spreadsheet_would_run_as_a_formula_is_neutralised(cast):
    arrangement = Arrangement.objects.get(trust__code="NCT")
    RiskFactory(arrangement=arrangement, reference="R99", title='=HYPERLINK("http://x")')
    client = api_as(cast["nct-manager"])
    header, *rows = csv_rows(client.get("/api/v1/risks/", {"format": "csv"}))
    titles = [row[header.index("title")] for row in rows]
    assert '\'=HYPERLINK("http://x")' in titles
    assert '=HYPERLINK("http://x")' not in titles


@pytest.mark.parametrize(
    "value, shown",
    [
        ("-120.50", "-120.50"),  # a number stays a number
        ("-1+2", "'-1+2"),
        ("+44 1604", "'+44 1604"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        (None, ""),
        (True, "true"),
        (3, "3"),
        (["WNC", "NNC"], "WNC; NNC"),
        (["=cmd", "NNC"], "'=cmd; NNC"),
        ([{"council": "WNC", "share": "0.5"}], '[{"council":"WNC","share":"0.5"}]'),
        ({"fte": "1.0"}, '{"fte":"1.0"}'),
        ("Café £", "Café £"),
    ],
)
def test_a_cell_is_the_values_text_formula_safe(value, shown):
    assert cell(value) == shown


def test_an_unknown_format_is_a_400_naming_it(cast):
    response = api_as(cast["admin"]).get("/api/v1/payments/", {"format": "xml"})
    assert response.status_code == 400
    assert response.json() == {"format": ["Choose one of: json, csv."]}


def test_a_bad_filter_on_a_csv_is_a_json_400(cast):
    response = api_as(cast["admin"]).get("/api/v1/returns/", {"format": "csv", "month": "x"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"month": ["Enter a month as YYYY-MM, for example 2024-07."]}


# --- Filters and ordering --------------------------------------------------------------------


def in_year(text: str, start: int) -> bool:
    return f"{start}-04-01" <= text[:10] <= f"{start + 1}-03-31"


# (list, filter, what each row then shows, how many of the admin's rows it keeps: "some" of
# them, "all" of them (the demo's only arrangement with such records is NCT), or "none").
FILTERED = [
    ("contracts", {"council": "wnc"}, lambda r: r["council"] == "WNC", "some"),
    ("contracts", {"council": "occ"}, None, "none"),
    ("contracts", {"trust": "nct", "ordering": "-starts_on"}, lambda r: r["trust"] == "NCT", "all"),
    ("contract-years", {"year": "2024-25"}, lambda r: r["financial_year"] == 2024, "some"),
    ("contract-years", {"council": "nnc"}, lambda r: r["trust"] == "NCT", "all"),
    ("contract-years", {"council": "occ"}, None, "none"),
    ("variations", {"council": "WNC"}, lambda r: r["trust"] == "NCT", "all"),
    ("variations", {"council": "OCC"}, None, "none"),
    ("variations", {"year": "2024-25"}, lambda r: r["financial_year"] == 2024, "some"),
    (
        "payments",
        {"month_from": "2025-01", "month_to": "2025-03"},
        lambda r: "2025-01-01" <= r["due_on"] <= "2025-03-31",
        "some",
    ),
    (
        "payments",
        {"year": "2024/25", "paid": "true"},
        lambda r: r["financial_year"] == 2024,
        "some",
    ),
    ("reserved-decisions", {"council": "nnc"}, lambda r: r["trust"] == "NCT", "all"),
    ("reserved-decisions", {"council": "occ"}, None, "none"),
    ("budget-monitoring", {"year": "2024-25"}, lambda r: in_year(r["month"], 2024), "some"),
    (
        "budget-monitoring",
        {"month_from": "2025-02", "month_to": "2025-03", "state": "approved"},
        lambda r: "2025-02-01" <= r["month"] <= "2025-03-01" and r["state"] == "approved",
        "some",
    ),
    (
        "business-cases",
        {"council": "WNC", "state": "approved"},
        lambda r: r["trust"] == "NCT" and r["state"] == "approved",
        "all",
    ),
    ("business-cases", {"council": "OCC"}, None, "none"),
    # The demo's cases were each submitted in 2024-25 (the one awaiting the board included).
    (
        "business-cases",
        {"year": "2024-25"},
        lambda r: r["submitted_at"] and in_year(r["submitted_at"], 2024),
        "all",
    ),
    ("business-cases", {"year": "2025-26"}, None, "none"),
    (
        "business-cases",
        {"month_from": "2024-06", "month_to": "2024-09", "state": "approved"},
        lambda r: (
            "2024-06-01" <= (r["submitted_at"] or "")[:10] <= "2024-09-30"
            and r["state"] == "approved"
        ),
        "some",
    ),
    # The demo's benefits have targets in 2024-25 only.
    (
        "benefits",
        {"year": "2024-25"},
        lambda r: r["quarters"] and {q["financial_year"] for q in r["quarters"]} == {2024},
        "all",
    ),
    ("benefits", {"year": "2025-26"}, None, "none"),
    ("benefits", {"council": "wnc"}, lambda r: r["trust"] == "NCT", "all"),
    ("benefits", {"council": "occ"}, None, "none"),
    (
        "risks",
        {"trust": "nct", "status": "open"},
        lambda r: r["trust"] == "NCT" and r["status"] == "open",
        "some",
    ),
    ("indicators", {"domain": "front_door"}, lambda r: r["domain"] == "front_door", "some"),
    ("returns", {"month": "2025-03"}, lambda r: r["month"] == "2025-03-01", "some"),
    (
        "returns",
        {"trust": "NCT", "year": "2025-26"},
        lambda r: r["trust"] == "NCT" and in_year(r["month"], 2025),
        "some",
    ),
    (
        "measurements",
        {"year": "2025-26", "area": "WNC", "state": "approved"},
        lambda r: in_year(r["month"], 2025) and r["area"] == "WNC" and r["state"] == "approved",
        "some",
    ),
    (
        "measurements",
        {"year": "2025-26", "area": "wnc", "state": "approved"},  # a code in any case
        lambda r: in_year(r["month"], 2025) and r["area"] == "WNC" and r["state"] == "approved",
        "some",
    ),
    (
        "measurements",
        {"month_from": "2026-01", "month_to": "2026-02"},
        lambda r: "2026-01-01" <= r["month"] <= "2026-02-01",
        "some",
    ),
    ("organisations", {"kind": "council"}, lambda r: r["kind"] == "council", "some"),
    ("arrangements", {"council": "nnc"}, lambda r: r["code"] == "NCT", "some"),
    ("dashboards", {"trust": "oct"}, lambda r: r["arrangement"] == "OCT", "some"),
    # The demo's packs are NCT's three latest (every one from 2025 on).
    ("packs", {"trust": "nct", "month_from": "2025-01"}, lambda r: r["trust"] == "NCT", "all"),
    ("packs", {"trust": "oct"}, lambda r: r["trust"] == "OCT", "none"),
    ("packs", {"month_to": "2024-12"}, lambda r: r["month"] <= "2024-12-01", "none"),
    (
        "teams",
        {"area": "wnc", "active": "true"},
        lambda r: r["area"] == "WNC" and r["active"],
        "some",
    ),
    (
        "workforce-returns",
        {"month_to": "2024-12", "trust": "nct"},
        lambda r: r["month"] <= "2024-12-01" and r["trust"] == "NCT",
        "some",
    ),
]


@pytest.mark.parametrize("prefix, params, shows, keeps", FILTERED)
def test_a_filter_narrows_the_list_to_the_rows_it_names(cast, prefix, params, shows, keeps):
    client = api_as(cast["admin"])
    every = client.get(f"/api/v1/{prefix}/").json()["count"]
    rows = every_page(client, f"/api/v1/{prefix}/", params)
    kept = {"none": len(rows) == 0, "some": 0 < len(rows) < every, "all": len(rows) == every}
    assert kept[keeps], (len(rows), every)
    assert [row for row in rows if not shows(row)] == []


def test_every_list_is_filtered_wherever_a_filter_applies():
    # The filters each list takes (its schema says what each means).
    assert {prefix: sorted(VIEWSETS[prefix].filterset_class.base_filters) for prefix in LISTS} == {
        "contracts": ["council", "starts_from", "starts_to", "status", "trust"],
        "contract-years": ["council", "financial_year", "state", "trust", "year"],
        "variations": ["council", "financial_year", "state", "trust", "year"],
        "payments": [
            "council",
            "financial_year",
            "month_from",
            "month_to",
            "paid",
            "trust",
            "year",
        ],
        "reserved-decisions": ["council", "matter", "month_from", "month_to", "outcome", "trust"],
        "budget-monitoring": ["month", "month_from", "month_to", "state", "trust", "year"],
        "business-cases": ["council", "month_from", "month_to", "state", "theme", "trust", "year"],
        "benefits": ["case", "council", "financial_year", "theme", "trust", "year"],
        "risks": ["overdue", "project", "status", "trust"],
        "indicators": ["domain", "from_extract", "unit"],
        "returns": ["month", "month_from", "month_to", "state", "trust", "year"],
        "measurements": ["area", "indicator", "month_from", "month_to", "state", "trust", "year"],
        "organisations": ["kind"],
        "arrangements": ["council", "trust"],
        "dashboards": ["name", "trust"],
        "packs": ["month_from", "month_to", "trust"],
        "teams": ["active", "area", "service", "trust"],
        "workforce-returns": ["month", "month_from", "month_to", "state", "trust", "year"],
    }


@pytest.mark.parametrize("prefix", LISTS)
def test_every_list_orders_by_each_of_its_ordering_fields_both_ways(cast, prefix):
    client = api_as(cast["admin"])
    fields = list(VIEWSETS[prefix].ordering_fields)
    assert fields
    for field in fields:
        for term in (field, f"-{field}"):
            assert client.get(f"/api/v1/{prefix}/", {"ordering": term}).status_code == 200


def test_an_ordering_orders_the_list_and_the_lists_own_order_breaks_ties(cast):
    client = api_as(cast["admin"])
    rows = every_page(client, "/api/v1/payments/", {"ordering": "-amount,due_on"})
    keys = [(-float(r["amount"]), r["due_on"]) for r in rows]
    assert keys == sorted(keys)
    assert len({r["id"] for r in rows}) == len(rows)


# (list, parameter, a bad value, the message naming it)
MONTH_FORM = "Enter a month as YYYY-MM, for example 2024-07."
MONTHS = "Enter a month from January 2000 to December 2027."
NOT_A_CHOICE = "Select a valid choice. %s is not one of the available choices."
YEAR = "Enter a financial year such as 2024-25, from 2000-01 to next year's."
YES_OR_NO = "Give true or false."
BAD = [
    ("returns", "month", "2024-13", MONTH_FORM),
    ("returns", "month_from", "1999-12", MONTHS),
    ("workforce-returns", "month_to", "2028-01", MONTHS),
    ("budget-monitoring", "month_from", "July", MONTH_FORM),
    ("measurements", "month_from", "٢٠٢٤-٠٧", MONTH_FORM),
    ("payments", "month_to", "2024-7", MONTH_FORM),
    ("reserved-decisions", "month_from", "0001-01", MONTHS),
    ("contracts", "starts_from", "2024-00", MONTH_FORM),
    ("business-cases", "month_to", "2024-13", MONTH_FORM),
    ("returns", "year", "2024-26", YEAR),
    ("contract-years", "year", "1999-00", YEAR),
    ("variations", "year", "2028-29", YEAR),
    ("measurements", "year", "twenty", YEAR),
    ("payments", "year", "2024-2025", YEAR),
    (
        "returns",
        "state",
        "finished",
        "Select a valid choice. finished is not one of the available choices.",
    ),
    (
        "measurements",
        "state",
        "nope",
        "Select a valid choice. nope is not one of the available choices.",
    ),
    ("business-cases", "state", "x", NOT_A_CHOICE % "x"),
    ("business-cases", "year", "2025-27", YEAR),
    ("benefits", "year", "next", YEAR),
    ("contract-years", "state", "x", NOT_A_CHOICE % "x"),
    ("payments", "paid", "maybe", YES_OR_NO),
    ("risks", "overdue", "yes", YES_OR_NO),
    ("indicators", "from_extract", "2", YES_OR_NO),
    ("teams", "active", "on", YES_OR_NO),
]


@pytest.mark.parametrize("prefix, name, value, message", BAD)
def test_a_bad_filter_value_is_a_400_naming_the_parameter(cast, prefix, name, value, message):
    response = api_as(cast["admin"]).get(f"/api/v1/{prefix}/", {name: value})
    assert response.status_code == 400
    assert response.json() == {name: [message]}


@pytest.mark.parametrize(
    "prefix",
    [
        p
        for p in LISTS
        if {"year", "financial_year"} <= set(VIEWSETS[p].filterset_class.base_filters)
    ],
)
def test_year_and_financial_year_together_name_the_same_year(cast, prefix):
    client = api_as(cast["admin"])
    alone = every_page(client, f"/api/v1/{prefix}/", {"year": "2024-25"})
    agreed = every_page(client, f"/api/v1/{prefix}/", {"year": "2024-25", "financial_year": "2024"})
    assert agreed == alone
    differ = client.get(f"/api/v1/{prefix}/", {"year": "2024-25", "financial_year": "2025"})
    assert differ.status_code == 400
    assert differ.json() == {"year": ["Give one financial year: year and financial_year differ."]}


def test_the_lists_with_both_year_filters_are_the_four_that_had_financial_year():
    both = [
        p
        for p in LISTS
        if {"year", "financial_year"} <= set(VIEWSETS[p].filterset_class.base_filters)
    ]
    assert both == ["contract-years", "variations", "payments", "benefits"]


# (list, yes-or-no filter, the field of the JSON that answers it, if the JSON shows one)
YES_OR_NO_FILTERS = [
    ("payments", "paid", lambda row: row["paid_on"] is not None),
    ("risks", "overdue", None),
    ("indicators", "from_extract", lambda row: row["from_extract"]),
    ("teams", "active", lambda row: row["active"]),
]


def test_every_yes_or_no_filter_of_a_list_is_strict():
    found = sorted(
        (prefix, name, type(found).__name__)
        for prefix in LISTS
        for name, found in VIEWSETS[prefix].filterset_class.base_filters.items()
        if isinstance(found, django_filters.BooleanFilter)
    )
    assert found == sorted(
        (prefix, name, "StrictBooleanFilter") for prefix, name, _ in YES_OR_NO_FILTERS
    )


@pytest.mark.parametrize("prefix, name, answer", YES_OR_NO_FILTERS)
def test_true_and_false_split_the_list_between_them(cast, prefix, name, answer):
    client = api_as(cast["admin"])
    every = client.get(f"/api/v1/{prefix}/").json()["count"]
    yes = every_page(client, f"/api/v1/{prefix}/", {name: "true"})
    no = every_page(client, f"/api/v1/{prefix}/", {name: "false"})
    # Only as the schema writes a boolean: nothing else is taken for one.
    for other in ("1", "FALSE", "True"):
        assert client.get(f"/api/v1/{prefix}/", {name: other}).status_code == 400

    assert len(yes) + len(no) == every
    assert {json.dumps(row, sort_keys=True) for row in yes}.isdisjoint(
        json.dumps(row, sort_keys=True) for row in no
    )
    if answer is not None:
        assert [answer(row) for row in yes + no] == [True] * len(yes) + [False] * len(no)


def test_a_yes_or_no_filter_is_a_boolean_in_the_schema(cast):
    schema = api_as(cast["admin"]).get("/api/schema/", {"format": "json"}).json()
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/v1/payments/"]["get"]["parameters"]
    }
    assert parameters["paid"]["schema"] == {"type": "boolean"}
    assert parameters["paid"]["description"] == "true: the paid ones; false: the unpaid ones."


@pytest.mark.parametrize("prefix", LISTS)
def test_an_unknown_ordering_field_is_a_400_naming_the_parameter(cast, prefix):
    allowed = ", ".join(VIEWSETS[prefix].ordering_fields)
    for given in ("nonsense", f"{next(iter(VIEWSETS[prefix].ordering_fields))},-pk"):
        response = api_as(cast["admin"]).get(f"/api/v1/{prefix}/", {"ordering": given})
        assert response.status_code == 400
        assert response.json() == {"ordering": [f"Order by one of: {allowed}."]}


# --- Queries ---------------------------------------------------------------------------------

# The queries of each list as the demo's administrator reads it: the same for a page of one
# row and of fifty, and for a CSV of one row and of all of them (up to trust_portal.api.lists
# .CHUNK rows; a prefetch runs once per chunk).
QUERIES = {
    "contracts": (3, 2),
    "contract-years": (8, 7),
    "variations": (2, 1),
    "payments": (2, 1),
    "reserved-decisions": (4, 3),
    "budget-monitoring": (2, 1),
    "business-cases": (4, 3),
    "benefits": (3, 2),
    "risks": (2, 1),
    "indicators": (3, 2),
    "returns": (2, 1),
    "measurements": (2, 1),
    "organisations": (2, 1),
    "arrangements": (3, 2),
    "dashboards": (2, 1),
    "packs": (2, 1),
    "teams": (2, 1),
    "workforce-returns": (3, 2),
}


def queries_of(read) -> int:
    with CaptureQueriesContext(connection) as done:
        read()
    return len(done)


@pytest.mark.parametrize("prefix", LISTS)
def test_a_page_of_a_list_reads_in_a_fixed_number_of_queries(cast, prefix, monkeypatch):
    client = api_as(cast["admin"])
    url = f"/api/v1/{prefix}/"
    paginator = VIEWSETS[prefix].pagination_class
    counts, shown = [], []
    for size in (1, 50):
        monkeypatch.setattr(paginator, "page_size", size)
        counts.append(queries_of(lambda: shown.append(len(client.get(url).json()["results"]))))
    assert shown[0] == 1 and shown[1] > 1
    assert counts == [QUERIES[prefix][0]] * 2


@pytest.mark.parametrize("prefix", LISTS)
def test_a_csv_of_a_list_reads_in_a_fixed_number_of_queries(cast, prefix, monkeypatch):
    client = api_as(cast["admin"])
    url = f"/api/v1/{prefix}/"
    viewset = VIEWSETS[prefix]
    counts, shown = [], []

    def read():
        shown.append(len(csv_rows(client.get(url, {"format": "csv"}))) - 1)

    counts.append(queries_of(read))
    every = viewset.filter_queryset
    monkeypatch.setattr(viewset, "filter_queryset", lambda self, qs: every(self, qs)[:1])
    counts.append(queries_of(read))
    assert shown[0] > 1 and shown[1] == 1
    assert counts == [QUERIES[prefix][1]] * 2


def test_a_list_asked_for_text_csv_answers_with_its_csv(cast):
    response = api_as(cast["admin"]).get("/api/v1/teams/", HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert csv_rows(response)[0] == ["id", "trust", "name", "service", "area", "active"]


def test_one_record_comes_only_as_json(cast):
    client = api_as(cast["admin"])
    response = client.get("/api/v1/organisations/WNC/", {"format": "csv"})
    assert response.status_code == 400
    assert response.json() == {"format": ["Choose one of: json."]}
    assert client.get("/api/v1/organisations/WNC/", {"format": "json"}).json()["code"] == "WNC"


@pytest.mark.parametrize("params", [{"page": "0"}, {"page_size": "501"}, {"page_size": "x"}])
def test_a_csv_refuses_page_parameters_out_of_bounds_as_the_json_does(cast, params):
    # The whole list comes back, whatever the page; a page's parameters are still checked.
    client = api_as(cast["admin"])
    answer = client.get("/api/v1/payments/", {"format": "csv", **params})
    assert answer.status_code == 400
    assert list(answer.json()) == list(params)
    assert client.get("/api/v1/payments/", {**params}).status_code == 400
