"""Progress bars for long stages, off unless asked for.

Library code wraps long loops in :func:`progress`. Bars are shown only when
``TEXTKIT_PROGRESS=1`` is set (the command line sets it for interactive runs), so
notebooks and tests stay quiet and their outputs stay byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

__all__ = ["progress", "progress_enabled"]


def progress_enabled() -> bool:
    """True when ``TEXTKIT_PROGRESS`` is set to ``1``/``true``/``yes``."""
    return os.environ.get("TEXTKIT_PROGRESS", "").strip().lower() in {"1", "true", "yes"}


def progress(
    iterable: Iterable[T], *, total: int | None = None, desc: str | None = None
) -> Iterator[T]:
    """Iterate over ``iterable`` with a tqdm bar on stderr when progress is enabled."""
    if not progress_enabled():
        yield from iterable
        return
    from tqdm.auto import tqdm

    yield from tqdm(iterable, total=total, desc=desc, leave=False)
