"""Demo returns of any kind (``python manage.py load_demo``), made through the kind's own
services as people make them: the trust's manager starts each month, enters its figures and
submits it; each council's officer approves their area."""

from collections.abc import Callable, Iterable, Mapping
from datetime import date


def load_demo_returns(
    rows: Iterable[Mapping],
    *,
    model,
    services: Mapping[str, Callable],
    object_name: str,
    arrangement,
    manager,
    officers,
    figures: Callable,
) -> int:
    """Load the demo's months: ``rows`` of {"month": "2024-04", "state": …}, a row without a
    state being approved. ``services`` are the kind's (``kinds.services_named``), taking the
    return by ``object_name``; ``figures(row)`` gives the save service's figures keywords.

    A month already there is left alone, so loading twice adds nothing. Returns how many
    months were added."""
    added = 0
    for row in rows:
        month = date.fromisoformat(row["month"] + "-01")
        if model.objects.filter(arrangement=arrangement, period=month).exists():
            continue
        started = services["start"](by=manager, arrangement=arrangement, month=month)
        services["save"](
            by=manager,
            **{object_name: started},
            expected_version=started.lock_version,
            **figures(row),
        )
        state = row.get("state", "approved")
        if state in ("submitted", "approved"):
            services["submit"](by=manager, **{object_name: started})
        if state == "approved":
            for officer in officers:
                services["approve"](by=officer, **{object_name: started})
        added += 1
    return added
