"""The vocabulary-pruning rule of textkit, shared by the in-memory and the streamed paths.

:class:`VectorizeConfig` holds the settings (``min_df``, ``max_df``, ``max_terms``, ``keep``)
and turns proportions into document counts; :func:`prune_vocabulary` applies them to the
document and total frequencies of every term. :func:`textkit.dtm.vectorizer.vectorize`
(a document-term matrix in memory) and :func:`textkit.dtm.stream.stream_vocabulary` (one pass
over a units file on disk) both call it, so the two give the same vocabulary by construction.

The rule, in order:

1. a term listed in ``keep`` is kept whatever its frequencies;
2. a term found in fewer than ``min_df`` documents is pruned (reason ``"min_df"``), one found
   in more than ``max_df`` documents is pruned (reason ``"max_df"``); an int counts
   documents, a float is a proportion of them (``min_df`` rounded up, ``max_df`` down);
3. if more than ``max_terms`` terms remain, the ``keep`` terms stay and the others are ranked
   by total frequency (ties by term) and cut at the room left (reason ``"max_terms"``).

Settings that leave nothing to fit fail with a ``ValueError`` naming the setting.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from textkit.core.checks import check_int, check_number
from textkit.core.config import StageConfig
from textkit.core.errors import InvalidParameterError

__all__ = ["PRUNED_COLUMNS", "VectorizeConfig", "prune_vocabulary"]

#: Columns of the table of pruned terms: the term, its document and total frequency and the
#: setting that removed it.
PRUNED_COLUMNS = ["term", "df", "tf", "reason"]


def _check_df(name: str, value: object) -> int | float:
    """An int (documents, >= 0) or a float proportion in [0, 1]; anything else is an
    error stating both forms."""
    try:
        if isinstance(value, numbers.Integral) and not isinstance(value, bool):
            return check_int(name, value, minimum=0)
        return check_number(name, value, 0.0, 1.0)
    except InvalidParameterError:
        hint = ""
        if isinstance(value, float) and value.is_integer() and value > 1:
            hint = f"; {value!r} is a float, so a proportion: write {int(value)} for a count"
        elif isinstance(value, str):
            hint = "; a string is neither: write the number without quotes"
        raise InvalidParameterError(
            f"{name}: expected a number of documents (an integer >= 0, e.g. {name}=2) or a "
            f"proportion of the documents (a float in [0, 1], e.g. {name}=0.5), got "
            f"{value!r} ({type(value).__name__}){hint}"
        ) from None


@dataclass(frozen=True)
class VectorizeConfig(StageConfig):
    """Pruning options of :func:`textkit.dtm.vectorizer.vectorize` (see there); validated on
    creation. The ``[vectorize]`` table of ``textkit.toml``.

    Its defaults are a project's: ``min_df = 2`` (a term of a single document is pruned and
    listed), where :func:`~textkit.dtm.vectorizer.vectorize` itself prunes nothing unless
    asked (``min_df=1``); ``max_df = 1.0``, no ``max_terms``, no ``keep``.
    """

    table = "vectorize"

    min_df: int | float = 2
    max_df: int | float = 1.0
    max_terms: int | None = None
    keep: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "min_df", _check_df("min_df", self.min_df))
        object.__setattr__(self, "max_df", _check_df("max_df", self.max_df))
        object.__setattr__(
            self, "max_terms", check_int("max_terms", self.max_terms, minimum=1, allow_none=True)
        )
        keep = self.keep
        if isinstance(keep, str):
            keep = (keep,)
        object.__setattr__(self, "keep", tuple(sorted({str(k) for k in keep})))

    def bounds(self, n_docs: int) -> tuple[int, int]:
        """``(min_df, max_df)`` in documents for a corpus of ``n_docs`` documents."""
        lo = (
            int(np.ceil(self.min_df * n_docs))
            if isinstance(self.min_df, float)
            else int(self.min_df)
        )
        hi = (
            int(np.floor(self.max_df * n_docs))
            if isinstance(self.max_df, float)
            else int(self.max_df)
        )
        return lo, hi

    def checked_bounds(self, n_docs: int) -> tuple[int, int]:
        """:meth:`bounds`, refusing settings that leave nothing to fit.

        Raises
        ------
        ValueError
            When there are no documents, ``min_df`` exceeds the number of documents or
            ``min_df > max_df`` (the message names the setting).
        """
        if n_docs == 0:
            raise ValueError("units: no documents")
        lo, hi = self.bounds(n_docs)
        if lo > n_docs:
            raise ValueError(f"min_df={self.min_df} exceeds the number of documents ({n_docs})")
        if lo > hi:
            raise ValueError(
                f"min_df={self.min_df} ({lo} documents) is larger than max_df={self.max_df} "
                f"({hi} documents)"
            )
        return lo, hi


def prune_vocabulary(
    df: Mapping[str, int], tf: Mapping[str, int], n_docs: int, config: VectorizeConfig
) -> tuple[tuple[str, ...], pd.DataFrame]:
    """The terms kept by the pruning rule and a table of those removed.

    Parameters
    ----------
    df : mapping of str to int
        Document frequency of every term of the corpus.
    tf : mapping of str to int
        Total frequency of every term (the same keys as ``df``).
    n_docs : int
        Number of documents.
    config : VectorizeConfig
        The settings.

    Returns
    -------
    vocabulary : tuple of str
        The kept terms, sorted.
    pruned : pandas.DataFrame
        ``term, df, tf, reason`` of every removed term, sorted by reason then term.

    Raises
    ------
    ValueError
        When there are no documents or no terms, or the settings leave an empty vocabulary
        (the message names the setting responsible).
    """
    lo, hi = config.checked_bounds(n_docs)
    all_terms = sorted(df)
    if not all_terms:
        raise ValueError("units: the documents contain no tokens")
    keep_set = set(config.keep)
    pruned_rows = []
    kept = []
    for t in all_terms:
        if t in keep_set:
            kept.append(t)
        elif df[t] < lo:
            pruned_rows.append((t, df[t], tf[t], "min_df"))
        elif df[t] > hi:
            pruned_rows.append((t, df[t], tf[t], "max_df"))
        else:
            kept.append(t)
    if not kept:
        setting = "min_df" if any(r[3] == "min_df" for r in pruned_rows) else "max_df"
        raise ValueError(
            f"pruning with min_df={config.min_df}, max_df={config.max_df} leaves an empty "
            f"vocabulary (check {setting})"
        )
    if config.max_terms is not None and len(kept) > config.max_terms:
        forced = [t for t in kept if t in keep_set]
        rest = sorted((t for t in kept if t not in keep_set), key=lambda t: (-tf[t], t))
        room = max(config.max_terms - len(forced), 0)
        chosen = set(forced) | set(rest[:room])
        for t in rest[room:]:
            pruned_rows.append((t, df[t], tf[t], "max_terms"))
        kept = sorted(chosen)
    pruned = pd.DataFrame(pruned_rows, columns=PRUNED_COLUMNS)
    if len(pruned):
        pruned = pruned.sort_values(["reason", "term"], kind="stable").reset_index(drop=True)
    pruned = pruned.astype({"term": object, "df": "int64", "tf": "int64", "reason": object})
    return tuple(kept), pruned
