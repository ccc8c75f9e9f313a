"""Laney's p′ chart and the Making Data Count rules (performance/spc.py)."""

from decimal import Decimal
from fractions import Fraction

import pytest

from performance import spc

# AUS-DOH-Safety-and-Quality/PowerBI-SPC, test/Chart Types/pprime.test.ts (commit 478773a):
# 20 months' counts and the p′ chart's expected limits, in per cent to 4 decimal places
# (docs/sources/workforce-census-and-spc.md).
NUMERATORS = [
    int(x)
    for x in [
        "266501",
        "264225",
        "276532",
        "281461",
        "269071",
        "261215",
        "270409",
        "279778",
        "270483",
        "270320",
        "267923",
        "271478",
        "255353",
        "256820",
        "261835",
        "259144",
        "255910",
        "260863",
        "264465",
        "260989",
    ]
]
DENOMINATORS = [
    int(x)
    for x in [
        "280443",
        "276823",
        "291681",
        "296155",
        "282343",
        "275888",
        "283867",
        "295251",
        "284468",
        "282529",
        "279618",
        "283932",
        "266629",
        "268091",
        "276803",
        "271578",
        "266005",
        "273520",
        "278574",
        "273772",
    ]
]
UL99 = [
    "96.567",
    "96.5753",
    "96.5421",
    "96.5326",
    "96.5627",
    "96.5775",
    "96.5593",
    "96.5345",
    "96.5579",
    "96.5623",
    "96.5689",
    "96.5591",
    "96.5996",
    "96.5961",
    "96.5753",
    "96.5877",
    "96.6012",
    "96.583",
    "96.5713",
    "96.5824",
]
UL95 = [
    "96.1413",
    "96.1469",
    "96.1247",
    "96.1184",
    "96.1384",
    "96.1483",
    "96.1362",
    "96.1197",
    "96.1353",
    "96.1382",
    "96.1426",
    "96.1361",
    "96.1631",
    "96.1607",
    "96.1469",
    "96.1551",
    "96.1641",
    "96.152",
    "96.1442",
    "96.1516",
]
LL95 = [
    "94.4386",
    "94.4331",
    "94.4552",
    "94.4615",
    "94.4415",
    "94.4316",
    "94.4438",
    "94.4603",
    "94.4447",
    "94.4418",
    "94.4374",
    "94.4439",
    "94.4169",
    "94.4192",
    "94.4331",
    "94.4248",
    "94.4158",
    "94.4279",
    "94.4358",
    "94.4283",
]
LL99 = [
    "94.013",
    "94.0046",
    "94.0378",
    "94.0473",
    "94.0173",
    "94.0025",
    "94.0207",
    "94.0454",
    "94.022",
    "94.0177",
    "94.0111",
    "94.0208",
    "93.9803",
    "93.9839",
    "94.0046",
    "93.9923",
    "93.9788",
    "93.9969",
    "94.0087",
    "93.9975",
]

HALF_IN_THE_4TH_PLACE = Decimal("0.00005")  # what vitest's toBeCloseTo(x, 4) allows


def close(limit: Decimal, expected: str) -> bool:
    return abs(100 * limit - Decimal(expected)) < HALF_IN_THE_4TH_PLACE


def test_it_reproduces_the_powerbi_spc_pprime_limits_to_4_places_of_a_percent():
    limits = spc.laney_limits(list(zip(NUMERATORS, DENOMINATORS, strict=True)))
    assert len(limits) == 20
    for found, ul99, ul95, ll95, ll99 in zip(limits, UL99, UL95, LL95, LL99, strict=True):
        assert close(found.upper, ul99)
        assert close(found.upper_2, ul95)
        assert close(found.lower_2, ll95)
        assert close(found.lower, ll99)
    assert limits[0].centre == Fraction(sum(NUMERATORS), sum(DENOMINATORS))


# Worked by hand: ten months of 100 alternating 45 and 55, then 10 of 25 and 15 of 25.
# p̄ = 525 / 1050 = 0.5. σᵢ = √(0.25 / 100) = 0.05 (0.1 for 25). Every month is one sigma
# from p̄, alternately below and above: z = −1, +1, … so every moving range is 2 and
# σ_z = 2 / 1.128. A month of 100: 0.5 ± 3 × 0.05 × 2 / 1.128 = 0.5 ± 0.3 / 1.128 =
# 0.5 ± 0.26595744680851…; a month of 25: 0.5 ± 0.6 / 1.128 = 0.5 ± 0.5319…, so floored at 0
# and capped at 1. (A plain p chart, σ_z = 1, would give 0.35 to 0.65: the months vary more
# than the binomial allows, and p′ widens the limits by 1.773.)
HAND = [(45, 100), (55, 100)] * 5 + [(10, 25), (15, 25)]


def test_it_reproduces_a_hand_worked_example():
    limits = spc.laney_limits(HAND)
    width = Decimal("0.3") / Decimal("1.128")
    for found in limits[:10]:
        assert found.centre == Fraction(1, 2)
        assert abs(found.upper - (Decimal("0.5") + width)) < Decimal("1e-25")
        assert abs(found.lower - (Decimal("0.5") - width)) < Decimal("1e-25")
        assert abs(found.upper_2 - (Decimal("0.5") + width * 2 / 3)) < Decimal("1e-25")
    assert str(round(100 * limits[0].upper, 4)) == "76.5957"
    assert str(round(100 * limits[0].lower, 4)) == "23.4043"
    assert (limits[10].lower, limits[10].upper) == (0, 1)
    # A month of 25's two-sigma limits are 0.5 ± 0.4 / 1.128 = 0.5 ± 0.35461…, inside 0 and 1.
    assert str(round(100 * limits[10].upper_2, 4)) == "85.4610"
    assert str(round(100 * limits[10].lower_2, 4)) == "14.5390"


def test_the_limits_widen_as_the_denominator_shrinks():
    limits = spc.laney_limits(HAND)
    assert limits[10].upper_2 - limits[10].lower_2 > limits[0].upper_2 - limits[0].lower_2


def test_fewer_than_twelve_months_have_no_limits():
    assert spc.chart(HAND[:11]) is None
    assert spc.chart(HAND) is not None


def test_every_month_the_same_has_limits_on_the_centre_line():
    limits = spc.laney_limits([(0, 10)] * 12)
    assert (limits[0].lower, limits[0].upper) == (0, 0)


def test_it_refuses_counts_that_are_not_a_proportion():
    with pytest.raises(ValueError):
        spc.laney_limits([(5, 4), (1, 4)])


def test_the_usual_variation_breaks_no_rule():
    assert not any(point.special for point in spc.chart(HAND))


def test_a_point_beyond_a_limit_is_special_cause():
    points = spc.chart([(45, 100), (55, 100)] * 6 + [(95, 100)])
    assert points[-1].beyond and points[-1].side == 1
    assert not any(p.beyond for p in points[:-1])


def test_seven_in_a_row_on_one_side_is_a_shift():
    below = [(40, 100), (42, 100)] * 3 + [(41, 100)]
    above = [(58, 100), (60, 100)] * 3 + [(59, 100)]
    points = spc.chart(below + above)
    assert all(p.shift for p in points)
    assert [p.side for p in points] == [-1] * 7 + [1] * 7
    points = spc.chart(below[:6] + above)  # six below is not a run
    assert [p.shift for p in points] == [False] * 6 + [True] * 7


def test_seven_rising_in_a_row_is_a_trend_and_an_equal_value_breaks_it():
    flat = [(50, 100), (52, 100)] * 2 + [(50, 100)]
    rising = [(51 + i, 100) for i in range(7)]  # 50 then 51 … 57: eight points rising
    points = spc.chart(flat + rising)
    assert [p.trend for p in points] == [0] * 4 + [1] * 8
    broken = flat + [(51, 100), (52, 100), (53, 100), (53, 100), (54, 100), (55, 100), (56, 100)]
    assert not any(p.trend for p in spc.chart(broken))


def test_a_missing_month_breaks_a_shift():
    # 14 months, centre exactly 50% (700 of 1400): seven below, then seven above.
    below = [(40, 100), (42, 100)] * 3 + [(41, 100)]
    above = [(58, 100), (60, 100)] * 3 + [(59, 100)]
    assert all(p.shift for p in spc.chart(below + above))  # no gap: two runs of 7
    # A month missing before the fourth point: the seven below are 3 and 4 in a row.
    points = spc.chart(below + above, gaps={3})
    assert [p.shift for p in points] == [False] * 7 + [True] * 7
    assert [p.side for p in points] == [-1] * 7 + [1] * 7  # the same sides, no longer a run


def test_a_missing_month_breaks_a_trend_which_restarts_after_it():
    flat = [(50, 100), (52, 100)] * 2 + [(50, 100)]
    rising = [(51 + i, 100) for i in range(7)]  # 50 then 51 … 57: eight points rising
    assert [p.trend for p in spc.chart(flat + rising)] == [0] * 4 + [1] * 8
    # A month missing before 54%: 50, 51, 52, 53 and then 54 … 57 are four points rising each.
    assert not any(p.trend for p in spc.chart(flat + rising, gaps={8}))
    # A month missing before 51%: the trend restarts there, 51 … 57 (7 points), without the 50.
    assert [p.trend for p in spc.chart(flat + rising, gaps={5})] == [0] * 5 + [1] * 7


def test_two_of_three_beyond_two_sigma_on_one_side():
    limit = spc.Limits(
        centre=Fraction(1, 2),
        lower=Decimal("0.2"),
        upper=Decimal("0.8"),
        lower_2=Decimal("0.3"),
        upper_2=Decimal("0.7"),
    )
    values = [Fraction(1, 2), Fraction(3, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1, 2)]
    assert spc.two_of_three([(v, limit) for v in values]) == {1, 3}
    values = [Fraction(3, 4), Fraction(1, 2), Fraction(1, 4)]  # one each side: no signal
    assert spc.two_of_three([(v, limit) for v in values]) == set()
