"""Dashboard pages (dashboards.py: every dashboard, its sub-pages, downloads and the recompute
runs) and the scrutiny committee pack's pages (packs.py)."""
