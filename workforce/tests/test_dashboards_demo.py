"""The workforce dashboard's snapshot of the demo: December 2018 (328 posts as 111 experienced
permanent, 76 inexperienced permanent, 82 agency and 59 vacant; a DfE vacancy rate of 24.0%)
and July 2024 (12.9% vacancies, 9.9% turnover over 12 months) come out as published. The
dashboard's workings on figures of the tests' own are in ``test_dashboards.py``."""

import pytest

from trust_portal.dashboards.figures import pack_blocks
from workforce.dashboards import build_workforce


@pytest.fixture
def snapshot(cast, nct):
    # nct: the demo's arrangement (workforce/tests/conftest.py)
    return build_workforce(nct)


def block(blocks, block_id):
    return next(b for b in blocks if b["id"] == block_id)


def rows_of(found, **where):
    """The block's rows as {column key: cell}, those matching ``where``."""
    keys = [c["key"] for c in found["table"]["columns"]]
    rows = [dict(zip(keys, row, strict=True)) for row in found["table"]["rows"]]
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


def test_december_2018s_staff_mix_is_328_posts_as_111_76_82_59(snapshot):
    (december,) = rows_of(block(snapshot["blocks"], "staff-mix"), month="2018-12")
    assert december["establishment"] == "328.00"
    assert [december[f"{k}_fte"] for k in ("experienced", "inexperienced", "agency", "vacant")] == [
        "111.00",
        "76.00",
        "82.00",
        "59.00",
    ]
    assert (december["experienced_share"], december["vacant_share"]) == ("33.8", "18.0")
    assert december["synthetic"] == ""


def test_december_2018s_dfe_vacancy_rate_is_24_0_with_its_numerator_and_denominator(snapshot):
    (whole,) = rows_of(block(snapshot["blocks"], "vacancy-rate"), month="2018-12", area_code="NCT")
    assert (whole["rate"], whole["numerator"], whole["denominator"]) == ("24.0", "59.00", "246.00")


def test_july_2024s_vacancy_rate_and_12_month_turnover_are_the_published_ones(snapshot):
    (vacancy,) = rows_of(
        block(snapshot["blocks"], "vacancy-rate"), month="2024-07", area_code="NCT"
    )
    (turnover,) = rows_of(block(snapshot["blocks"], "turnover"), month="2024-07", area_code="NCT")
    assert vacancy["rate"] == "12.9"
    assert vacancy["status"] == "Green: on or beyond target" and vacancy["rag"] == "green"
    assert (turnover["rate"], turnover["months"]) == ("9.9", 12)
    assert turnover["denominator"].count(".") == 1  # the average employed FTE, two places


def test_the_packs_december_2018_says_turnover_covers_one_month(snapshot):
    december = pack_blocks(snapshot, month="2018-12", financial_year=2018)
    (whole,) = rows_of(december[0], area="All of NCT")
    assert (whole["posts"], whole["vacancy"], whole["vacant"], whole["vacancy_base"]) == (
        "328.00",
        "24.0",
        "59.00",
        "246.00",
    )
    assert "only 1 of the 12 months January 2018 to December 2018" in december[2]["text"]
