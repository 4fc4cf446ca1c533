"""One per-document stage by name over chunks of documents, locally or on Dask.

:func:`map_stage` dispatches ``"clean"``, ``"segment"`` and ``"minhash"`` to the stages'
parallel variants (:mod:`textkit.corpus.parallel`, :mod:`textkit.segment.stream`).
"""

from __future__ import annotations

import logging
from typing import Any

from textkit.core.checks import check_choice
from textkit.corpus.parallel import clean_texts_parallel, minhash_parallel
from textkit.segment.stream import segment_texts_parallel

logger = logging.getLogger(__name__)

__all__ = ["STAGES", "map_stage"]

#: Stages :func:`map_stage` knows how to run per chunk.
STAGES = ("clean", "segment", "minhash")


def map_stage(
    stage: str,
    items: Any,
    config: Any = None,
    *,
    n_jobs: int = 1,
    chunksize: int | None = None,
    client: Any = None,
    unit: str = "sentence",
    with_pos: bool = False,
) -> Any:
    """Run one per-document stage over chunks of documents, locally or on Dask.

    Parameters
    ----------
    stage : {"clean", "segment", "minhash"}
        ``clean``: :func:`textkit.corpus.clean.clean_text` on each text; ``segment``:
        :func:`textkit.segment.segment_corpus` on each chunk of documents (cache off);
        ``minhash``: :func:`textkit.corpus.dedup.minhash_signatures` on each chunk of texts.
    items : sequence of str, or documents for ``segment``
        Texts (``clean``, ``minhash``), or for ``segment`` a documents table with ``doc_id``
        and ``text``, a mapping doc_id -> text, or (doc_id, text) pairs.
    config : stage config, optional
        ``CleanConfig`` / ``SegmenterConfig`` (or a ``Segmenter``) / ``DedupConfig``; the
        stage default when omitted.
    n_jobs, chunksize, client
        As in :func:`map_documents`.
    unit, with_pos
        Passed to ``segment_corpus`` (``segment`` only).

    Returns
    -------
    list or DataFrame
        ``clean``: list of ``(text, log)``; ``segment``: the units table, identical to
        ``segment_corpus(items, unit=unit, cache=False)``; ``minhash``: list of signatures,
        identical to ``minhash_signatures(texts, config)`` as a list.
    """
    stage = check_choice("stage", stage, STAGES)
    if stage == "clean":
        return clean_texts_parallel(
            items, config, n_jobs=n_jobs, chunksize=chunksize, client=client
        )
    if stage == "minhash":
        return minhash_parallel(items, config, n_jobs=n_jobs, chunksize=chunksize, client=client)
    return segment_texts_parallel(
        items, unit, config, with_pos=with_pos, n_jobs=n_jobs, chunksize=chunksize, client=client
    )
