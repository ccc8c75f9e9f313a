"""Forms of the performance app, one module per part, named as its pages are: ``indicators``,
``returns``, ``uploads``, ``settings`` and ``benchmarks``."""
