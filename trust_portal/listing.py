"""What the apps' list pages share: one page of the rows, and the table as a download."""

from django.core.paginator import Paginator

from trust_portal.exports import table_response

EXPORTS = ("csv", "xlsx")


def paged(request, rows, per_page: int):
    """The page of ``rows`` asked for with ``?page=``, and the rest of the query string (the
    filters, without ``page``) for the pager's links."""
    page = Paginator(rows, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def download(request, name: str, header, rows, *, title: str):
    """The table as the CSV or Excel file asked for with ``?format=``, else None (``rows``, an
    iterable, is not read then)."""
    if request.GET.get("format") in EXPORTS:
        return table_response(request.GET["format"], name, header, rows, title=title)
    return None
