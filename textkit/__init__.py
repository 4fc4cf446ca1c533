"""textkit: text mining of Chinese governance discourse.

The public API is re-exported here; see ``docs/architecture.md`` for the stages
and the tables that flow between them.
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["__version__"]
