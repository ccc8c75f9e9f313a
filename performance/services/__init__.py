"""Every write of the performance app, one module per part, named as its pages are:
``indicators`` (the catalogue's definitions and an arrangement's targets), ``settings``,
``returns`` (the monthly return's figures), ``uploads`` (child-level extracts uploaded into a
draft) and ``benchmarks``."""
