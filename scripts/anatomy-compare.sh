#!/usr/bin/env bash
# Pages before and after a refactor: captures every page each member of the cast may open on
# REV (default: the commit issue 12 started from) and on the working tree, and lists those
# that differ. Usage: scripts/anatomy-compare.sh [REV]
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:-d905983}
out=${ANATOMY_OUT:-/tmp/anatomy}
rm -rf "$out" && mkdir -p "$out"
git worktree add --detach "$out/tree" "$rev" >/dev/null
trap 'git worktree remove --force "$out/tree"' EXIT
mkdir -p "$out/tree/tests/anatomy"
cp tests/anatomy/capture_pages.py "$out/tree/tests/anatomy/"
touch "$out/tree/tests/anatomy/__init__.py"
(cd "$out/tree" && ANATOMY_PAGES="$out/before" CELERY_BROKER_URL=memory://localhost/ \
  "$OLDPWD/.venv/bin/pytest" -q -n 2 -p no:cacheprovider tests/anatomy/capture_pages.py | tail -1)
ANATOMY_PAGES="$out/after" CELERY_BROKER_URL=memory://localhost/ \
  .venv/bin/pytest -q -n 2 -p no:cacheprovider tests/anatomy/capture_pages.py | tail -1
diff -rq "$out/before" "$out/after" | sed "s#$out/##g" || true
echo "pages captured: $(find "$out/before" -type f | wc -l) before, $(find "$out/after" -type f | wc -l) after"
