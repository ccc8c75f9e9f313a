"""The transformation tile of the arrangement's headline (``trust_portal/overview.py``): the
Block 3 fund's remaining provision in the latest agreed year, read from the transformation
snapshot (which takes it from ``trust_portal/block3.py``'s ledger)."""

from trust_portal.accounts.permissions import Kind
from trust_portal.overview import Figure, Headline, block, records, tile


@tile(
    "transformation",
    title="Transformation",
    snapshot="transformation",
    url_name="transformation:programme",
    link_text="Transformation programme and the Block 3 ledger",
    kind=Kind.BUSINESS_CASE,
    order=40,
    missing="No Block 3 provision yet: no contract year has been agreed.",
)
def transformation_tile(arrangement, snapshot) -> Headline | None:
    ledgers = records(block(snapshot.data if snapshot else None, "block3"))
    if not ledgers:
        return None
    latest = ledgers[-1]
    return Headline(
        period=latest["year"],
        figures=[
            Figure(f"Block 3 remaining, {latest['year']}", latest["remaining"], "money"),
            Figure("Block 3 provision", latest["provision"], "money"),
            Figure("Committed to approved cases", latest["committed"], "money"),
        ],
    )
