"""The vocabulary and a bag-of-words corpus read from a units file on disk (bounded memory).

:func:`stream_vocabulary` applies the pruning rule of :mod:`textkit.dtm.prune` (the one
:func:`textkit.dtm.vectorizer.vectorize` applies: ``min_df``, ``max_df``, ``max_terms``,
``keep``) in one pass over a units parquet file written
by :func:`textkit.segment.stream.segment_to_parquet`; :class:`UnitsBowCorpus` is a re-iterable
gensim bag-of-words corpus read from the file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from textkit.dtm.prune import VectorizeConfig, prune_vocabulary
from textkit.segment.stream import _iter_documents

logger = logging.getLogger(__name__)


__all__ = ["stream_vocabulary", "UnitsBowCorpus"]


def stream_vocabulary(
    path: str | os.PathLike,
    min_df: int | float = 1,
    max_df: int | float = 1.0,
    max_terms: int | None = None,
    keep: Iterable[str] = (),
    group_by: str = "doc_id",
) -> tuple[str, ...]:
    """The vocabulary :func:`textkit.dtm.vectorizer.vectorize` would keep, in one pass over a file.

    Memory holds the document and corpus frequency of every distinct term, not the corpus.

    Parameters
    ----------
    path : path-like
        Units parquet file (:func:`segment_to_parquet`).
    min_df, max_df, max_terms, keep, group_by
        As in :func:`textkit.dtm.vectorizer.vectorize`.

    Returns
    -------
    tuple of str
        Sorted terms, equal to ``vectorize(units, ...).vocabulary`` for the same settings.

    Raises
    ------
    ValueError
        As ``vectorize`` does: invalid settings, no documents, or an empty vocabulary.
    """
    from collections import Counter

    cfg = VectorizeConfig(min_df=min_df, max_df=max_df, max_terms=max_terms, keep=tuple(keep))
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    n_docs = 0
    for _, token_lists in _iter_documents(path, group_by, 65536):
        n_docs += 1
        c: Counter[str] = Counter()
        for toks in token_lists:
            c.update(toks)
        df.update(c.keys())
        tf.update(c)
    vocabulary, _ = prune_vocabulary(df, tf, n_docs, cfg)
    return vocabulary


class UnitsBowCorpus:
    """A gensim bag-of-words corpus streamed from a units parquet file.

    Iterating yields one ``[(term_id, count), ...]`` list per document (units grouped by
    ``group_by``, documents in file order, term ids = positions in ``vocabulary``, terms
    outside it ignored), exactly the rows of ``vectorize(units, ...)`` restricted to that
    vocabulary. Every iteration re-reads the file, so gensim can make several passes while
    memory holds one record batch.

    Parameters
    ----------
    path : path-like
        Units parquet file (:func:`segment_to_parquet`).
    vocabulary : sequence of str
        The terms (e.g. :func:`stream_vocabulary` or a DTM's ``vocabulary``).
    group_by : str, default "doc_id"
    batch_rows : int, default 65536
        Rows read at a time.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        vocabulary: Sequence[str],
        group_by: str = "doc_id",
        batch_rows: int = 65536,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise FileNotFoundError(f"units file not found: {self.path}")
        self.vocabulary = tuple(vocabulary)
        if not self.vocabulary:
            raise ValueError("vocabulary: empty")
        if len(set(self.vocabulary)) != len(self.vocabulary):
            raise ValueError("vocabulary: terms must be unique")
        self.group_by = group_by
        self.batch_rows = batch_rows
        self._index = {t: j for j, t in enumerate(self.vocabulary)}
        self._doc_ids: tuple[str, ...] | None = None

    def __iter__(self) -> Iterable[list[tuple[int, int]]]:
        from collections import Counter

        index = self._index
        for _, token_lists in _iter_documents(self.path, self.group_by, self.batch_rows):
            c: Counter[int] = Counter()
            for toks in token_lists:
                c.update(index[t] for t in toks if t in index)
            yield sorted(c.items())

    @property
    def doc_ids(self) -> tuple[str, ...]:
        """Document keys in corpus order (read once from the file, then remembered)."""
        if self._doc_ids is None:
            self._doc_ids = tuple(
                k for k, _ in _iter_documents(self.path, self.group_by, self.batch_rows)
            )
        return self._doc_ids

    def __len__(self) -> int:
        return len(self.doc_ids)

    def __repr__(self) -> str:
        return f"UnitsBowCorpus({str(self.path)!r}, {len(self.vocabulary)} terms)"
