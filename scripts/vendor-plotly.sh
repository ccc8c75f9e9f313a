#!/usr/bin/env bash
# Refresh the vendored plotly.js under static/plotly/ from the npm registry. The strict bundle
# (plotly.js-strict-dist-min) never calls eval or new Function, so the Content-Security-Policy
# needs no 'unsafe-eval'. Developers run this by hand when upgrading; `make run` and CI use the
# committed copy and never need npm.
set -euo pipefail
version="${1:-4.1.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "plotly.js-strict-dist-min@${version}" >/dev/null && tar xzf plotly.js-strict-dist-min-*.tgz)
out="$here/static/plotly"
rm -rf "$out"
mkdir -p "$out"
cp "$work/package/plotly-strict.min.js" "$work/package/LICENSE" "$out/"
echo "plotly.js-strict-dist-min $version (npm registry)" > "$out/VERSION"
echo "plotly.js (strict) $version vendored into $out"
"$here/.venv/bin/python" "$here/scripts/plotly_css.py" "$out/plotly-strict.min.js" "$out/plotly.css"
echo "its style rules written to $out/plotly.css"
echo "Check a dashboard page in Chromium: if the console reports an inline style refused by the"
echo "CSP, put the hash it names in PLOTLY_STYLE_HASHES in trust_portal/settings.py."
