"""Benchmarks (each ``bench/<name>.py`` a script; ``bench_*.py`` are helpers of
``served_pages.py``, importable as ``bench.bench_settings`` and ``bench.bench_urls``)."""
