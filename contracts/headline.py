"""The money tile of the arrangement's headline (``trust_portal/overview.py``): the contract
sum of the latest agreed year and the latest approved budget monitoring's forecast variance
with each council's share, read from the finance snapshot."""

from trust_portal.accounts.permissions import Kind
from trust_portal.overview import Figure, Headline, block, records, tile


@tile(
    "money",
    title="Money",
    snapshot="finance",
    url_name="contracts:overview",
    link_text="Contracts and the contract sum",
    kind=Kind.CONTRACT,
    order=30,
    missing="No agreed contract year and no approved budget monitoring yet.",
)
def money_tile(arrangement, snapshot) -> Headline | None:
    data = snapshot.data if snapshot else None
    years = records(block(data, "contract-sum"))
    shares = records(block(data, "variance-shares"))
    budget = block(data, "budget")
    variance = records(budget)
    if not years and not variance:
        return None
    figures = []
    if years:
        latest = years[-1]
        figures.append(Figure(f"Contract sum, {latest['year']}", latest["contract_sum"], "money"))
    else:
        figures.append(Figure("Contract sum", "No agreed contract year yet."))
    if variance:
        total = variance[-1]
        month = budget["title"].rpartition(", ")[2]
        figures.append(
            Figure(
                f"Forecast variance, {month}", total["variance"], "money", note=total["in_words"]
            )
        )
        for share in shares:
            if share["council"] != "Total":
                figures.append(
                    Figure(
                        f"{share['council']}'s share ({share['percentage']}%)",
                        share["amount"],
                        "money",
                    )
                )
    else:
        figures.append(Figure("Forecast variance", "No approved budget monitoring yet."))
    return Headline(period=(data or {}).get("period", ""), figures=figures)
