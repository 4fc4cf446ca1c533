"""Online LDA trained from a units file on disk: each pass re-reads the file and only
``chunksize`` documents are in memory at once. With the same settings the topics equal
:class:`textkit.topics.lda.LdaTopicModel` fitted on the in-memory matrix.
"""

from __future__ import annotations

import logging
from typing import Any

from textkit.core.errors import InvalidParameterError
from textkit.dtm.stream import UnitsBowCorpus

logger = logging.getLogger(__name__)

__all__ = ["fit_lda_streaming"]


def fit_lda_streaming(corpus: UnitsBowCorpus, config: Any) -> Any:
    """Train gensim's online LDA on a corpus streamed from disk.

    The gensim model is built by :func:`textkit.topics.lda.new_gensim_lda`, as
    :class:`textkit.topics.lda.LdaTopicModel` builds it (same priors, ``float64``,
    ``update_every=1``, ``eval_every=None``, seeded), and trained by ``passes`` sweeps over
    the file in mini-batches of ``chunksize`` documents, so with the same settings and
    vocabulary the topics equal those of ``LdaTopicModel(**settings).fit(vectorize(units,
    ...))``.

    Parameters
    ----------
    corpus : UnitsBowCorpus
        The streamed corpus.
    config : textkit.topics.lda.LdaConfig or mapping
        ``LdaConfig`` or its fields (``n_topics``, ``random_state``, ``passes``,
        ``iterations``, ``alpha``, ``eta``, ``chunksize``, ``decay``, ``offset``,
        ``gamma_threshold``). ``multicore`` is not supported (not reproducible).

    Returns
    -------
    gensim.models.LdaModel
        The fitted model; ``model.get_topics()`` is topics x ``corpus.vocabulary``.
    """
    from gensim.corpora import Dictionary

    from textkit.topics._common import _check_n_topics
    from textkit.topics.estep import vectorised_estep
    from textkit.topics.lda import LdaConfig, new_gensim_lda

    if not isinstance(corpus, UnitsBowCorpus):
        raise InvalidParameterError(
            f"corpus: expected a UnitsBowCorpus, got {type(corpus).__name__}"
        )
    if isinstance(config, dict):
        config = LdaConfig(**config)
    if not isinstance(config, LdaConfig):
        raise InvalidParameterError(
            f"config: expected an LdaConfig or a dict, got {type(config).__name__}"
        )
    if config.multicore:
        raise InvalidParameterError(
            "multicore: not supported for streamed training (not reproducible)"
        )
    n_docs = len(corpus)
    _check_n_topics("n_topics", config.n_topics, n_docs, "documents")
    id2word = Dictionary()
    id2word.token2id = {t: j for j, t in enumerate(corpus.vocabulary)}
    model = new_gensim_lda(config, id2word, config.eta)
    with vectorised_estep(model):  # gensim's E-step, vectorised (see textkit.topics.estep)
        model.update(corpus)
    logger.info(
        "streamed LDA: %d topics, %d documents, %d terms",
        config.n_topics,
        n_docs,
        len(corpus.vocabulary),
    )
    return model
