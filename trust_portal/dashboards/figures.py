"""What a builder puts in a snapshot: blocks of tables and charts as plain JSON.

A snapshot's ``data`` is::

    {
      "title": "Finance",                      # the dashboard's heading
      "period": "2024/25",                     # what the figures cover, in words (optional)
      "blocks": [block, ...],                  # shown in order on the dashboard page
      "pages": {key: {"title": ..., "blocks": [...]}},   # optional sub-pages (one per indicator)
      "month": "2024-07",                      # optional, a dashboard by month (the registry's
      "month_keys": ["2024-06", "2024-07"],    # by_month): the default month, the months its
      "months": {"2024-07": {"period": "July 2024", "blocks": [...]}},  # ?month= may choose
                                               # (oldest first) and each month's page
      "pack": {"by_month": {"2024-07": [block, ...]},    # optional: what the scrutiny pack
               "by_year": {"2024": [block, ...]},        # takes for a month, looked up by
               "default": [block, ...]},                 # month, then financial year, then default
    }

A block is one of::

    {"kind": "table", "id": ..., "title": ..., "summary": ..., "table": table}
    {"kind": "chart", "id": ..., "title": ..., "summary": ..., "figure": plotly JSON,
     "table": table}
    {"kind": "note", "id": ..., "title": ..., "text": ...}

and the performance overview's own (their shape is ``performance/dashboards/matrix.py``'s;
the scrutiny pack takes none of them): ``matrix`` (indicators by domain, areas side by side,
with the green, amber and red counts per area in all domains and in each) and ``exceptions``
(each red indicator once with its commentary, and the exceptions ``table`` for the download).
A table block with
``"download_only": true`` is offered as its download, not laid out on the page.

and a table is ``{"columns": [{"key", "label", "kind"}], "rows": [[cell, ...], ...]}``. Cells
are JSON values: money and other decimals as strings (``"1234.50"``, never floats), counts as
ints, RAG as a status word (``"green"``), ``None`` for no figure. The page formats each cell by
its column's kind, the CSV keeps the raw value, and the scrutiny pack hides small counts.

Every chart has its table, so the data is never in the picture only; its summary says in words
what the chart shows. Traces get dashes, marker symbols or bar patterns as well as colours, so
no chart depends on colour alone.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from trust_portal.numbers import rounded

# Column kinds and what the page does with each.
KINDS = {
    "text": "shown as it is",
    "money": "pounds and pence with thousands separators",
    "number": "a decimal with thousands separators",
    "percent": "a percentage (its numerator and denominator are columns of their own)",
    "count": "a whole number of people or things, as 1,783; hidden below the small-count size "
    "in the pack",
    "change": "a change, signed, with the unit its column names (unit='points'): +1.2 points",
    "rag": "red / amber / green / grey, in words as well as colour",
    "sparkline": "a small inline SVG trend made at snapshot time",
    "month": "a month, YYYY-MM",
}

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
SYMBOLS = ["circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon"]
PATTERNS = ["", "/", "x", ".", "\\", "+", "-", "|"]
RAG_COLOURS = {"green": "#00703c", "amber": "#ffdd00", "red": "#d4351c", "grey": "#b1b4b6"}


def column(key: str, label: str, kind: str = "text", **extra) -> dict:
    if kind not in KINDS:
        raise ValueError(f"Unknown column kind {kind!r}.")
    return {"key": key, "label": label, "kind": kind, **extra}


# The financial year a row is of (the contract year's label), in every app's year tables.
FINANCIAL_YEAR = column("year", "Financial year")


def table(columns: list[dict], rows: list[list]) -> dict:
    width = len(columns)
    for row in rows:
        if len(row) != width:
            raise ValueError(f"A row has {len(row)} cells for {width} columns: {row!r}.")
    return {"columns": columns, "rows": [[plain(cell) for cell in row] for row in rows]}


def table_block(block_id: str, title: str, table_: dict, *, summary: str = "") -> dict:
    return {"kind": "table", "id": block_id, "title": title, "summary": summary, "table": table_}


def note_block(block_id: str, title: str, text: str) -> dict:
    return {"kind": "note", "id": block_id, "title": title, "text": text}


def chart_block(block_id: str, title: str, figure, table_: dict, *, summary: str) -> dict:
    """A plotly figure (``plotly.graph_objects.Figure``) with the table of its data."""
    return {
        "kind": "chart",
        "id": block_id,
        "title": title,
        "summary": summary,
        "figure": figure_json(figure),
        "table": table_,
    }


def figure_json(figure) -> dict:
    """The figure as plain JSON, styled so that no trace is told apart by colour alone."""
    distinguish(figure)
    monthly_axis(figure)
    figure.update_layout(
        template="none",
        font={"family": "Arial, sans-serif", "size": 14, "color": "#0b0c0c"},
        margin={"l": 70, "r": 20, "t": 60, "b": 60},
        legend={"orientation": "h", "x": 0, "y": 1.02, "xanchor": "left", "yanchor": "bottom"},
        colorway=PALETTE,
        hovermode="x unified",
    )
    return json.loads(figure.to_json())


BLOCK_KINDS = ("table", "chart", "note", "matrix", "exceptions")

MONTH_TEXT = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$", re.ASCII)


def monthly_axis(figure) -> None:
    """Months given as "2024-07" are dates to plotly, which would tick them twice a month:
    tick each month, quarter or year instead, labelled "Jul 2024"."""
    months = {
        x
        for trace in figure.data
        for x in (getattr(trace, "x", None) or ())
        if isinstance(x, str) and MONTH_TEXT.match(x)
    }
    if not months or figure.layout.xaxis.tickformat:
        return
    step = "M1" if len(months) <= 15 else "M3" if len(months) <= 48 else "M12"
    figure.update_xaxes(type="date", dtick=step, tickformat="%b %Y")


def distinguish(figure) -> None:
    """Give each trace its own dash and marker symbol (lines) or fill pattern (bars)."""
    for index, trace in enumerate(figure.data):
        if trace.type == "scatter":
            if trace.line.dash is None:
                trace.line.dash = DASHES[index % len(DASHES)]
            if trace.marker.symbol is None:
                trace.marker.symbol = SYMBOLS[index % len(SYMBOLS)]
            if trace.mode is None:
                trace.mode = "lines+markers"
        elif trace.type == "bar" and trace.marker.pattern.shape is None:
            trace.marker.pattern.shape = PATTERNS[index % len(PATTERNS)]


def plain(value):
    """A cell as JSON: Decimal and Fraction to a decimal string, dates to ISO, the rest as is."""
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Fraction):
        return decimal_text(value, places=1)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float):
        raise TypeError("Put figures in a snapshot as Decimal or Fraction, never float.")
    return value


def decimal_text(value: Fraction | Decimal | int, *, places: int = 1) -> str:
    """An exact value rounded half-up to ``places`` decimals, as a string."""
    return str(rounded(value, places))


def spreadsheet_rows(table_: dict) -> tuple[list[str], list[list]]:
    """A snapshot table as a download's header and rows: figures back to Decimal so that a
    spreadsheet gets numbers, and sparklines (pictures) left out."""
    keep = [i for i, c in enumerate(table_["columns"]) if c["kind"] != "sparkline"]
    columns = [table_["columns"][i] for i in keep]
    rows = [
        [_number(row[i], column) for i, column in zip(keep, columns, strict=True)]
        for row in table_["rows"]
    ]
    # A change's unit is in its cells on the page; in a spreadsheet, in its heading.
    labels = [f"{c['label']} ({c['unit']})" if c.get("unit") else c["label"] for c in columns]
    return labels, rows


def _number(value, column: dict):
    if column["kind"] in ("money", "number", "percent", "count", "change") and isinstance(
        value, str
    ):
        try:
            return Decimal(value)
        except InvalidOperation:
            return value  # words in a figure's place ("fewer than 5") stay words
    return value


def sparkline_svg(values: list, *, label: str, width: int = 96, height: int = 24) -> str:
    """A small trend line as inline SVG (no plotly), built from numbers only.

    ``values`` are exact figures (Fraction, Decimal, int) or None for a month without one;
    the line breaks at gaps. The SVG carries its own accessible label in words.
    """
    numbers = [
        None if v is None else Fraction(Decimal(v) if isinstance(v, str) else v) for v in values
    ]
    known = [v for v in numbers if v is not None]
    title = _escape(label)
    if len(known) < 2:
        return (
            f'<svg class="tp-sparkline" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" aria-label="{title}"><title>{title}</title></svg>'
        )
    low, high = min(known), max(known)
    spread = high - low or Fraction(1)
    step = Fraction(width - 4, max(len(numbers) - 1, 1))
    segments, current = [], []
    for index, value in enumerate(numbers):
        if value is None:
            if current:
                segments.append(current)
            current = []
            continue
        x = 2 + step * index
        y = 2 + (height - 4) * (1 - (value - low) / spread)
        current.append(f"{float(x):.1f},{float(y):.1f}")
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="currentColor" '
        f'stroke-width="1.5"/>'
        for points in segments
    )
    last = segments[-1][-1].split(",")
    dot = f'<circle cx="{last[0]}" cy="{last[1]}" r="2" fill="currentColor"/>'
    return (
        f'<svg class="tp-sparkline" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{title}"><title>{title}</title>'
        f"{lines}{dot}</svg>"
    )


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def pack_blocks(data: dict, *, month: str, financial_year: int) -> list[dict]:
    """What a snapshot gives the scrutiny pack for a month: the month's blocks, else the
    financial year's, else its default ones (none if the builder gives the pack nothing)."""
    pack = data.get("pack") or {}
    for found in (
        (pack.get("by_month") or {}).get(month),
        (pack.get("by_year") or {}).get(str(financial_year)),
        pack.get("default"),
    ):
        if found is not None:
            return found
    return []


def check_snapshot(data: dict) -> None:
    """Raise ValueError if ``data`` is not a snapshot the pages can show (for builders' tests)."""
    json.dumps(data)  # plain JSON only: no Decimal, date or float-from-money sneaks in
    if not isinstance(data.get("title"), str):
        raise ValueError("A snapshot needs a title.")
    groups = [("blocks", data.get("blocks", []))]
    groups += [(f"pages.{k}", p.get("blocks", [])) for k, p in (data.get("pages") or {}).items()]
    groups += [(f"months.{k}", m["blocks"]) for k, m in (data.get("months") or {}).items()]
    if data.get("months") and data.get("month") not in data["months"]:
        raise ValueError("A snapshot by month needs its default month among its months.")
    if data.get("months") and data.get("month_keys") != sorted(data["months"]):
        raise ValueError("A snapshot by month lists its months, oldest first, in month_keys.")
    for key, blocks in (data.get("pack") or {}).items():
        if key == "default":
            groups.append(("pack.default", blocks))
        else:
            groups += [(f"pack.{key}.{k}", b) for k, b in blocks.items()]
    for where, blocks in groups:
        seen = set()
        for block in blocks:
            if block.get("kind") not in BLOCK_KINDS:
                raise ValueError(f"{where}: unknown block kind {block.get('kind')!r}.")
            if not block.get("id") or block["id"] in seen:
                raise ValueError(f"{where}: each block needs an id of its own ({block.get('id')}).")
            seen.add(block["id"])
            if block["kind"] == "chart" and not (block.get("table") and block.get("summary")):
                raise ValueError(f"{where}.{block['id']}: a chart needs its table and a summary.")
            if block["kind"] in ("table", "chart") or "table" in block:
                columns = block["table"]["columns"]
                for column_ in columns:
                    if column_.get("kind") not in KINDS:
                        raise ValueError(f"{where}.{block['id']}: column kind {column_!r}.")
                for row in block["table"]["rows"]:
                    if len(row) != len(columns):
                        raise ValueError(f"{where}.{block['id']}: a row of the wrong width.")
                    if any(isinstance(cell, float) for cell in row):
                        raise ValueError(f"{where}.{block['id']}: a float in a table.")
