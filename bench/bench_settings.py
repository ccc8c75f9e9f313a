"""The project's settings with the benchmark's URLs (``bench.bench_urls``: the project's pages
and a bare view), for the gunicorn that ``bench/served_pages.py`` starts. Nothing else
differs but the static files' storage (below)."""

from trust_portal.settings import *  # noqa: F403 - the project's settings, every one of them

ROOT_URLCONF = "bench.bench_urls"

# Hashed names from a manifest, as in production, without whitenoise's compression of every
# file (which makes collectstatic take minutes): the pages name their static files the same
# way, and the benchmark never asks for a static file.
STORAGES = {
    **STORAGES,  # noqa: F405 - from the project's settings
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
