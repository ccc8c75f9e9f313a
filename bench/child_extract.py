"""Time checking and computing a large child-level extract against just reading it; print a table.

Generates a valid extract of ``--rows`` rows (seeded, so every run sees the same file) into a
temporary folder, then times, best of ``--repeat`` runs each:

- the floor: ``pandas.read_csv(path, dtype=str)``, which only reads the file;
- ``performance.extract.check_and_compute`` on the same file: read, every rejection rule, every
  indicator for every area and for all areas together.

It ends with the line ``extract/read ratio: <x> (target 4.0)``. No database is needed.

    .venv/bin/python bench/child_extract.py [--rows 1000000] [--repeat 3]
"""

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from performance.extract import check_and_compute  # noqa: E402

AS_AT = date(2024, 3, 31)
AREAS = ["NNC", "WNC"]


def _dates(days: np.ndarray, rng: np.random.Generator, blank: np.ndarray) -> pa.Array:
    """Days since the epoch as text: mostly YYYY-MM-DD, a fifth DD/MM/YYYY, blank where asked."""
    iso = pc.cast(pa.array(days.astype("datetime64[D]")), pa.string())

    def part(start, stop):
        return pc.utf8_slice_codeunits(iso, start, stop)

    uk = pc.binary_join_element_wise(part(8, 10), part(5, 7), part(0, 4), "/")
    text = pc.if_else(pa.array(rng.random(len(days)) < 0.2), uk, iso)
    return pc.if_else(pa.array(blank), pa.scalar(""), text)


def _prefixed(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width=width, padding="0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def generate(path: Path, *, rows: int, seed: int = 20240331) -> None:
    """Write a valid extract as at AS_AT: every rule in CHILD_EXTRACT.md holds on every row."""
    rng = np.random.default_rng(seed)
    as_at = np.datetime64(AS_AT, "D").astype(np.int64)

    # A few episodes start after the as-at date (not open, yet valid).
    start = as_at - rng.integers(0, 3650, rows)
    future = rng.random(rows) < 0.02
    start[future] = as_at + rng.integers(1, 60, future.sum())

    end = start + rng.integers(0, 4000, rows)
    no_end = rng.random(rows) < 0.7

    # A visit lies between the start and the as-at date; none for episodes not yet begun.
    visit = as_at - np.minimum(rng.integers(0, 90, rows), np.maximum(as_at - start, 0))
    no_visit = (rng.random(rows) < 0.15) | (start > as_at)

    plan = as_at + rng.integers(-60, 120, rows)
    no_plan = rng.random(rows) < 0.2

    assess_start = as_at - rng.integers(0, 150, rows)
    no_assessment = rng.random(rows) < 0.7
    completed = assess_start + rng.integers(0, 90, rows)
    not_completed = no_assessment | (rng.random(rows) < 0.3)

    worker = _prefixed("W", rng.integers(0, 40_000, rows), 5)
    table = pa.table(
        {
            "child_id": _prefixed("C", rng.permutation(rows), 7),
            "area": pc.take(pa.array(AREAS), pa.array(rng.integers(0, len(AREAS), rows))),
            "category": pc.take(pa.array(["CIN", "CP", "LAC", "CL"]), rng.integers(0, 4, rows)),
            "worker_id": pc.if_else(pa.array(rng.random(rows) < 0.05), pa.scalar(""), worker),
            "episode_start": _dates(start, rng, np.zeros(rows, dtype=bool)),
            "episode_end": _dates(end, rng, no_end),
            "last_visit_date": _dates(visit, rng, no_visit),
            "last_visit_seen_alone": pc.take(pa.array(["Y", "N", ""]), rng.integers(0, 3, rows)),
            "plan_due_date": _dates(plan, rng, no_plan),
            "assessment_start": _dates(assess_start, rng, no_assessment),
            "assessment_completed": _dates(completed, rng, not_completed),
        }
    )
    pa_csv.write_csv(table, path, write_options=pa_csv.WriteOptions(quoting_style="none"))


def best_of(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="tp-extract-") as folder:
        path = Path(folder) / "extract.csv"
        generate(path, rows=options.rows)
        megabytes = path.stat().st_size / 1e6

        read = best_of(options.repeat, lambda: pd.read_csv(path, dtype=str))
        result = {}

        def check():
            result.update(check_and_compute(path, filename=path.name, as_at=AS_AT, areas=AREAS))

        checked = best_of(options.repeat, check)

    open_cases = result["areas"]["ALL"]["OPEN_CASES"]["numerator"]
    print(f"{'rows':>10} {'file MB':>8} {'read s':>7} {'check+compute s':>16} {'open cases':>11}")
    print(f"{options.rows:>10,} {megabytes:>8.1f} {read:>7.2f} {checked:>16.2f} {open_cases:>11,}")
    print(f"extract/read ratio: {checked / read:.2f} (target 4.0)")


if __name__ == "__main__":
    main()
