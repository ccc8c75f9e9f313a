"""Forms of the contracts pages, one module per part, named as in ``contracts/views/``."""
