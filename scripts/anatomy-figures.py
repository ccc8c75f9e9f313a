#!/usr/bin/env python3
"""Issue 12's figures for production code: everything outside tests, migrations, fixtures, static
and bench. Prints the `# fmt: skip` markers, `noqa: E402` lines and functions over 60 lines
(those with a `# One piece:` comment saying why are listed apart), then the duplicated runs as
the `duplicates` command counts them (when it is on the PATH) and the import check.

Usage: python3 scripts/anatomy-figures.py [--list]
"""

import ast
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = {"tests", "migrations", "fixtures", "static", "bench", ".venv", "var", "node_modules"}
LONGEST = 60
THIS = Path(__file__).name  # its own docstring names the markers it counts
SKIP = "# fmt: skip"
E402 = "noqa: E402"
WHY = "# One piece:"


def production_files():
    listed = subprocess.run(  # noqa: S603
        ["git", "ls-files", "-co", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    for name in listed:
        path = Path(name)
        if LEFT_OUT & set(path.parts) or path.name == "conftest.py":
            continue
        if path.name.startswith("test_") or not (ROOT / path).is_file() or path.name == THIS:
            continue
        yield path


def long_functions(path: Path):
    text = (ROOT / path).read_text()
    lines = text.splitlines()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > LONGEST:
                body = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                yield node.name, node.lineno, length, WHY in body


def main():
    show = "--list" in sys.argv
    files = list(production_files())
    python = [f for f in files if f.suffix == ".py"]
    skips = [
        f"{f}:{i}"
        for f in python
        for i, line in enumerate((ROOT / f).read_text().splitlines(), 1)
        if "fmt: skip" in line
    ]
    e402 = [
        f"{f}:{i}"
        for f in python
        for i, line in enumerate((ROOT / f).read_text().splitlines(), 1)
        if E402 in line
    ]
    long = [(f, *item) for f in python for item in long_functions(f)]
    unexplained = [item for item in long if not item[4]]
    print(f"fmt: skip markers: {len(skips)}")
    print(f"noqa: E402 lines: {len(e402)}")
    print(
        f"functions over {LONGEST} lines: {len(unexplained)}"
        f" (and {len(long) - len(unexplained)} with a '{WHY}' comment)"
    )
    if show:
        for item in skips + e402:
            print("  ", item)
        for f, name, line, length, why in long:
            print(f"   {f}:{line} {name} ({length} lines){' one piece' if why else ''}")
    duplicated_runs(files, show)
    import_directions(show)


def duplicated_runs(files, show):
    if not shutil.which("duplicates"):
        print("duplicated runs: (the duplicates command is not on the PATH)")
        return
    with tempfile.TemporaryDirectory() as copy:
        for f in files:
            (Path(copy) / f).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / f, Path(copy) / f)
        out = subprocess.run(  # noqa: S603
            ["duplicates", "--repo", copy, "--most", "200", "--seconds", "120"],  # noqa: S607
            capture_output=True,
            text=True,
        ).stdout
    print("duplicated runs:", out.splitlines()[0] if out else "(no answer)")
    if show:
        print(out)


FORBIDDEN = [
    "core>contracts",
    "core>performance",
    "core>workforce",
    "core>transformation",
    "core>oversight",
    "performance>contracts",
    "performance>workforce",
    "performance>transformation",
]


def import_directions(show):
    tool = ROOT.parent / "shared" / "tools" / "app_imports.py"
    if not tool.exists():
        print("imports: (../shared/tools/app_imports.py is not beside the project)")
        return
    forbid = [arg for edge in FORBIDDEN for arg in ("--forbid", edge)]
    out = subprocess.run(  # noqa: S603
        [sys.executable, str(tool), str(ROOT), *forbid], capture_output=True, text=True
    ).stdout
    summary = [line for line in out.splitlines() if line.startswith("edges:")]
    print("imports:", summary[0] if summary else "(no answer)")
    if show:
        print(out)


if __name__ == "__main__":
    main()
