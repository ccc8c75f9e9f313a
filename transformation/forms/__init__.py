"""Forms of the transformation programme's pages, one module per part: ``cases``,
``benefits``, ``risks``."""
