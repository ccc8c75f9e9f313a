"""Every write to contracts and money, and the reads the pages and the API share, one module
per part, named as in ``contracts/views/``: ``contracts`` (with the helpers every write uses),
``years``, ``variations``, ``payments``, ``budget`` and ``matters``."""
