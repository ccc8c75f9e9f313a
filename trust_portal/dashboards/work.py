"""What the dashboards put on people's "Waiting for you" lists (``trust_portal.work``),
registered by ``DashboardsConfig.ready``:

- an administrator: each arrangement whose latest finished recompute failed;
- the read-only roles (scrutiny members, DfE observers): the latest scrutiny committee pack,
  and what changed since they last signed in: packs issued and returns approved since then
  (the returns the pack's cover names, ``registry.pack_returns``).
"""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from trust_portal.accounts.models import Role
from trust_portal.accounts.permissions import Action, Kind, role_allows
from trust_portal.approvals.models import State
from trust_portal.dashboards.models import IssuedPack, RecomputeRun
from trust_portal.dashboards.registry import pack_returns
from trust_portal.work import Item, waiting

READ_ONLY = (Role.SCRUTINY_MEMBER, Role.DFE_OBSERVER)
FINISHED = (RecomputeRun.State.SUCCEEDED, RecomputeRun.State.FAILED)


@waiting("failed-recomputes", roles=(Role.ADMINISTRATOR,), order=70)
def failed_recomputes(user, arrangements, *, today, **context):
    if not role_allows(user.role, Kind.DASHBOARD, Action.ADMINISTER):
        return []
    later = RecomputeRun.objects.filter(
        arrangement=OuterRef("arrangement"), state__in=FINISHED, queued_at__gt=OuterRef("queued_at")
    )
    runs = (
        RecomputeRun.objects.filter(arrangement__in=arrangements, state=RecomputeRun.State.FAILED)
        .exclude(Exists(later))
        .select_related("arrangement__trust")
        .order_by("arrangement__trust__code")
    )
    return [
        Item(
            title=f"The dashboards of {run.arrangement.code} failed to recompute",
            url=reverse("dashboards:runs", args=[run.arrangement.code]),
            kind="Failed recompute",
            code=run.arrangement.code,
            since=run.finished_at or run.queued_at,
        )
        for run in runs
    ]


def _packs(user, arrangements):
    if not role_allows(user.role, Kind.DASHBOARD, Action.VIEW_APPROVED):
        return IssuedPack.objects.none()
    return (
        IssuedPack.objects.filter(arrangement__in=arrangements)
        .select_related("arrangement__trust")
        .defer("data", "pdf")
    )


def _pack_item(pack, kind: str) -> Item:
    return Item(
        title=pack.title,
        url=reverse("packs:pack-detail", args=[pack.arrangement.code, pack.pk]),
        kind=kind,
        code=pack.arrangement.code,
        since=pack.issued_at,
    )


@waiting("latest-pack", roles=READ_ONLY, order=10)
def latest_pack(user, arrangements, *, today, **context):
    """Each arrangement's latest issued pack."""
    later = IssuedPack.objects.filter(
        arrangement=OuterRef("arrangement"), issued_at__gt=OuterRef("issued_at")
    )
    packs = _packs(user, arrangements).exclude(Exists(later)).order_by("arrangement__trust__code")
    return [_pack_item(p, "Latest scrutiny committee pack") for p in packs]


@waiting("since-last-visit", roles=READ_ONLY, order=20)
def since_last_visit(user, arrangements, *, today, last_visit=None, **context):
    """Packs issued (the latest aside: listed above) and returns approved since the person
    last signed in, newest first; nothing when it is not known when that was."""
    if last_visit is None:
        return []
    later = IssuedPack.objects.filter(
        arrangement=OuterRef("arrangement"), issued_at__gt=OuterRef("issued_at")
    )
    packs = (
        _packs(user, arrangements)
        .filter(issued_at__gt=last_visit)
        .filter(Exists(later))
        .order_by("-issued_at", "-pk")
    )
    items = [_pack_item(p, "Pack issued since your last visit") for p in packs]
    for kind in pack_returns():
        rows = (
            kind.model.objects.visible_to(user)
            .filter(arrangement__in=arrangements, state__in=(State.APPROVED, State.SUPERSEDED))
            .filter(approved_at__gt=last_visit)
            .select_related("arrangement__trust")
            .order_by("-approved_at", "-pk")
        )
        items += [
            Item(
                title=f"{kind.label} for {r.period:%B %Y}"
                + (f" (correction {r.revision - 1})" if r.revision > 1 else ""),
                url=r.get_absolute_url(),
                kind="Approved since your last visit",
                code=r.arrangement.code,
                since=r.approved_at,
            )
            for r in rows
        ]
    return items
