"""Seeded LDA: frame topics with a seed-word prior next to free topics (keyATM / seededlda
style), :class:`SeededLdaTopicModel`.

Seed words default to the ``stability`` and ``service_law`` terms of the frame lexicon
(:func:`textkit.core.lexicon.load_lexicon`); the model is trained as :class:`LdaTopicModel`
with a topic-term prior (``eta``) that carries the seeds' pseudo-counts.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from textkit.core.checks import check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._common import _topic_labels
from textkit.topics.lda import LdaConfig, LdaTopicModel

__all__ = ["SeededLdaTopicModel"]

logger = logging.getLogger(__name__)


class SeededLdaTopicModel(LdaTopicModel):
    """LDA with seeded frame topics plus free topics (keyATM / seededlda style).

    Each seed word ``w`` of a seeded topic gets a Dirichlet topic-term prior of
    ``eta_base + seed_weight * tf(w)`` in that topic (``eta_base`` elsewhere), where ``tf(w)``
    is the word's frequency in the training matrix: a pseudo-count that grows with the word's
    frequency, so frequent seeds are not swamped by their observed counts (a fixed small
    boost has no visible effect on a corpus of any size). The same pseudo-counts are added
    to gensim's random initial topics, so the first pass already starts from the seeds.
    Seed words, and the words that co-occur with them, are pulled into their topic; the
    ``n_topics`` free topics have the plain ``eta_base`` prior.
    Seeded topics come first and are labelled by their key (``stability``, ``service_law``),
    free topics follow as ``T01``, ``T02``, ...

    Parameters
    ----------
    n_topics : int
        Number of free (unseeded) topics, >= 0.
    seed_words : mapping of str to sequence of str, optional
        Topic key -> seed words. Default: ``stability`` and ``service_law`` terms of
        ``lexicon`` with a weight above 0 (weight-0 entries are
        generic words or blockers such as 自治区). Seeds are restricted to the vocabulary of the
        matrix at ``fit``: absent seeds are reported by name in a ``UserWarning``; a topic with
        no seed in the vocabulary raises ``ValueError``. A word seeded in two topics raises.
    seed_weight : float, default 1.0
        Pseudo-count of a seed word in its own topic, as a multiple of its corpus frequency.
    lexicon : Lexicon or path-like, optional
        The frame lexicon whose terms seed the two frame topics when ``seed_words`` is None
        (:func:`textkit.core.lexicon.as_lexicon`; ``FrameConfig.lexicon``, the ``[frames]
        lexicon`` of a project). Default: the shipped lexicon.
    eta_base : float, default 0.01
        Prior of every other (topic, term) cell.
    random_state, passes, iterations, alpha, chunksize, decay, offset, gamma_threshold, n_jobs
        As in :class:`LdaTopicModel` (``multicore`` is not offered: seeded models are for
        reporting, hence reproducible).

    Attributes
    ----------
    seeds_used_ : dict
        Topic key -> seed words found in the vocabulary (sorted).
    seeds_missing_ : dict
        Topic key -> seed words absent from the vocabulary (sorted).
    eta_ : ndarray
        The prior matrix (topics x terms) given to gensim.
    Other attributes as :class:`LdaTopicModel`.
    """

    method = "seeded_lda"
    _k_setting = "n_topics + number of seeded topics"

    def __init__(
        self,
        n_topics: int = 5,
        seed_words: Mapping[str, Sequence[str]] | None = None,
        seed_weight: float = 1.0,
        eta_base: float = 0.01,
        lexicon: Any = None,
        random_state: int = 0,
        passes: int = 10,
        iterations: int = 100,
        alpha: Any = "symmetric",
        chunksize: int = 2000,
        decay: float = 0.5,
        offset: float = 1.0,
        gamma_threshold: float = 0.001,
        n_jobs: int | None = 1,
    ) -> None:
        self.n_topics = n_topics
        self.seed_words = seed_words
        self.seed_weight = seed_weight
        self.eta_base = eta_base
        self.lexicon = lexicon
        self.random_state = random_state
        self.passes = passes
        self.iterations = iterations
        self.alpha = alpha
        self.chunksize = chunksize
        self.decay = decay
        self.offset = offset
        self.gamma_threshold = gamma_threshold
        self.n_jobs = n_jobs

    def _seeds(self) -> dict[str, tuple[str, ...]]:
        """The validated seed words (the lexicon's by default)."""
        if self.seed_words is None:
            return _default_seed_words(self.lexicon)
        return _check_seed_words(self.seed_words)

    def _settings(self) -> LdaConfig:
        check_int("n_topics", self.n_topics, 0)
        check_number("seed_weight", self.seed_weight, 0, low_open=True)
        check_number("eta_base", self.eta_base, 0, low_open=True)
        seeds = self._seeds()
        return LdaConfig(
            n_topics=len(seeds) + int(self.n_topics),
            random_state=self.random_state,
            passes=self.passes,
            iterations=self.iterations,
            alpha=self.alpha,
            eta=float(self.eta_base),
            chunksize=self.chunksize,
            decay=self.decay,
            offset=self.offset,
            gamma_threshold=self.gamma_threshold,
        )

    def _stamp_params(self) -> dict:
        out = super()._stamp_params()
        out["seed_words"] = {k: list(v) for k, v in self._seeds().items()}
        out["seed_weight"] = float(self.seed_weight)
        out["eta_base"] = float(self.eta_base)
        return out

    def _labels(self, config: LdaConfig) -> tuple[str, ...]:
        return tuple(self.seeds_used_) + _topic_labels(int(self.n_topics))

    def unseeded_topics(self, dtm: DocumentTermMatrix) -> list[str]:
        """The seeded topics none of whose seed words is in the vocabulary of ``dtm``:
        :meth:`fit` on it would raise. Empty: the model can be fitted. A notebook checks this
        first on a corpus too small for the seeds to survive pruning (a few articles) and
        shows why the section is empty.

        Parameters
        ----------
        dtm : DocumentTermMatrix
            The matrix :meth:`fit` would be given.

        Returns
        -------
        list of str
            Topic keys (``stability``, ``service_law`` for the lexicon's seeds), in order.
        """
        vocab = set(dtm.vocabulary)
        return [k for k, words in self._seeds().items() if not any(w in vocab for w in words)]

    def _prepare(self, dtm: DocumentTermMatrix) -> None:
        vocab = set(dtm.vocabulary)
        used, missing = {}, {}
        for key, words in self._seeds().items():
            used[key] = sorted(w for w in words if w in vocab)
            missing[key] = sorted(w for w in words if w not in vocab)
            if not used[key]:
                raise ValueError(
                    f"seed_words[{key!r}]: none of its {len(words)} seed words is in the "
                    "vocabulary of the matrix (check segmentation and vectorize's pruning, "
                    "or pass keep= to vectorize)"
                )
            if missing[key]:
                msg = (
                    f"seed_words[{key!r}]: {len(missing[key])} seed word(s) not in the "
                    f"vocabulary and ignored: {', '.join(missing[key])}"
                )
                warnings.warn(msg, UserWarning, stacklevel=4)
                logger.warning(msg)
        self.seeds_used_ = used
        self.seeds_missing_ = missing

    def _pseudo_counts(self, dtm: DocumentTermMatrix) -> np.ndarray:
        index = {t: j for j, t in enumerate(dtm.vocabulary)}
        tf = np.asarray(dtm.matrix.sum(axis=0), dtype=np.float64).ravel()
        n_total = len(self.seeds_used_) + int(self.n_topics)
        boost = np.zeros((n_total, dtm.shape[1]), dtype=np.float64)
        for k, key in enumerate(self.seeds_used_):
            cols = np.array([index[w] for w in self.seeds_used_[key]], dtype=np.int64)
            boost[k, cols] = float(self.seed_weight) * tf[cols]
        return boost

    def _eta_for(self, dtm: DocumentTermMatrix, config: LdaConfig) -> np.ndarray:
        eta = float(self.eta_base) + self._pseudo_counts(dtm)
        self.eta_ = eta
        return eta

    def _init_state(self, model: Any, dtm: DocumentTermMatrix) -> None:
        from gensim.matutils import dirichlet_expectation

        model.state.sstats += self._pseudo_counts(dtm)
        model.expElogbeta = np.exp(dirichlet_expectation(model.state.sstats))


def _check_seed_words(seed_words: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    if not isinstance(seed_words, Mapping) or not seed_words:
        raise InvalidParameterError(
            "seed_words: expected a non-empty mapping topic key -> seed words"
        )
    out: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for key in seed_words:
        words = seed_words[key]
        if not isinstance(key, str) or not key:
            raise InvalidParameterError(
                f"seed_words: topic keys must be non-empty str, got {key!r}"
            )
        if isinstance(words, str) or not isinstance(words, Iterable):
            raise InvalidParameterError(
                f"seed_words[{key!r}]: expected a list of words, not {words!r}"
            )
        ws = tuple(sorted({str(w).strip() for w in words if str(w).strip()}))
        if not ws:
            raise InvalidParameterError(f"seed_words[{key!r}]: no seed words given")
        for w in ws:
            if w in owner:
                raise InvalidParameterError(
                    f"seed_words: {w!r} is seeded in both {owner[w]!r} and {key!r}; "
                    "a word can seed one topic only"
                )
            owner[w] = key
        out[key] = ws
    return out


def _default_seed_words(lexicon: Any = None) -> dict[str, tuple[str, ...]]:
    """``stability`` and ``service_law`` terms of ``lexicon`` (default: the shipped one) with
    a weight above 0.

    Weight-0 entries are generic words (稳定, 服务) or blockers listed only so that a frame
    word inside them does not count (自治区, 民主集中制); they must not seed a frame.
    """
    from textkit.core.lexicon import as_lexicon

    table = as_lexicon(lexicon).table()
    seeds = {}
    for frame in ("stability", "service_law"):
        rows = table[(table["frame"] == frame) & (table["weight"] > 0)]
        seeds[frame] = tuple(sorted(set(rows["term"].astype(str))))
    return _check_seed_words(seeds)
