#!/usr/bin/env bash
# Refresh the vendored GOV.UK Frontend under static/govuk-frontend/ from the npm registry.
# Developers run this by hand when upgrading; `make run` and CI use the committed copy and never
# need npm. Trust Portal is a council service, not GOV.UK: the GDS Transport typeface is for
# GOV.UK only, so its @font-face rules are dropped and text falls back to Arial.
set -euo pipefail
version="${1:-6.6.0}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "govuk-frontend@${version}" >/dev/null && tar xzf govuk-frontend-*.tgz)
dist="$work/package/dist/govuk"
out="$here/static/govuk-frontend"
rm -rf "$out"
mkdir -p "$out/assets/images"
python3 - "$dist/govuk-frontend.min.css" "$out/govuk-frontend.min.css" <<'PY'
import re, sys
css = open(sys.argv[1]).read()
css = re.sub(r"@font-face\{[^}]*\}", "", css)
css = css.replace("font-family:GDS Transport,arial,sans-serif", "font-family:arial,sans-serif")
css = css.replace("font-family:GDS Transport", "font-family:arial,sans-serif")
css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
# Assets are served beside the stylesheet, not from /assets at the site root.
css = css.replace("url(/assets/", "url(assets/")
open(sys.argv[2], "w").write(css)
PY
sed 's#//\# sourceMappingURL=.*$##' "$dist/govuk-frontend.min.js" > "$out/govuk-frontend.min.js"
cp "$dist"/assets/images/{favicon.ico,favicon.svg,govuk-crest.svg,govuk-icon-180.png,govuk-icon-mask.svg} "$out/assets/images/"
echo "$version" > "$out/VERSION"
echo "GOV.UK Frontend $version vendored into $out"
