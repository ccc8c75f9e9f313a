"""Pages of the transformation programme, one module per part: ``cases``, ``benefits``,
``risks`` (transformation/urls.py routes them)."""
