"""The demo's performance returns as the split calculator reads them: January 2019's open cases
as the commissioner's report published them. The calculator itself is tested on returns of the
test's own in test_payments.py."""

from datetime import date

from performance.models import Measurement


def test_the_demo_january_2019_returns_hold_the_published_open_cases(cast):
    rows = Measurement.objects.filter(
        monthly_return__arrangement__trust__code="NCT",
        monthly_return__period=date(2019, 1, 1),
        monthly_return__state="approved",
        indicator__code="OPEN_CASES",
    ).exclude(area="ALL")
    assert {m.area: m.numerator for m in rows} == {"NNC": 1791, "WNC": 2214}
