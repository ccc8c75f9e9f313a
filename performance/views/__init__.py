"""Pages of the performance app, one module per part: ``indicators`` (the catalogue, definitions
and targets), ``returns`` (the monthly return as a kind of return), ``revisions``, ``settings``,
``uploads``, ``workbook`` and ``benchmarks`` (performance/urls.py routes them)."""
