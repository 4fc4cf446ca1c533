"""Latent Semantic Scaling (LSS) of the stability vs service / rule-of-law frames.

LSS (Watanabe 2021, *Communication Methods and Measures* 15(2)) is a semi-supervised scaling
method: word vectors are derived from the corpus, a small set of seed words defines two poles,
every term gets a polarity (its cosine similarity to the seeds, positive minus negative pole),
and a document's score is the mean polarity of its tokens. Unlike a dictionary it scores
words that are *not* in the lexicon but are used like lexicon words.

Word vectors (``engine``):

- ``"svd"`` (default), as the R package LSX's ``textmodel_lss(x, seeds, k = 300)`` on a dfm:
  the right singular vectors of a float64 truncated SVD of the unit-feature matrix. The units
  are the token lists LSS is fitted on (sentences, from
  ``segment_corpus(docs, unit="sentence")``), the features the terms occurring at least
  ``min_count`` times. The decomposition is exact and has no random start, and each singular
  vector's sign is fixed by a stable rule, so the results agree at the stated precision
  (:mod:`textkit.core.precision`, 6 significant digits) whatever the BLAS thread count, CPU kernel
  or ``PYTHONHASHSEED``.
- ``"word2vec"``: gensim float32 skip-gram ``Word2Vec`` (one worker, fixed seed). Identical
  across runs and hash seeds on one machine, but not across machines: another CPU kernel moves
  term polarities by about 1e-4, which shows at 6 significant digits.

The estimator's default seeds come from the frame lexicon: ``service_law`` terms are the
positive pole, ``stability`` terms the negative pole. A project's ``[lss]`` table
(:class:`LSSConfig`, :meth:`LatentSemanticScaling.from_config`) defaults to a short list
instead, :data:`DEFAULT_SEEDS`, with ``k = 50``. Every table the estimator returns is sorted on values
rounded to 6 significant digits with the term (or seed) as tie-break, so near-ties cannot
swap rows between machines.

What LSS can and cannot show on the seed corpus: 36 articles (~120k characters, a few tens of
thousands of tokens) are far below the millions of tokens LSS is designed for. Word vectors
derived from it are noisy and dominated by co-occurrence within the same few pages, so term
polarities mostly reproduce local co-occurrence with the seeds; they are a demonstration of
the workflow and a sensitivity check (:meth:`LatentSemanticScaling.leave_one_seed_out`), not
a measurement. Document scores are only meaningful relative to each other within one fitted
model, and effect sizes should not be interpreted on this corpus.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, sparse, stats
from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

from textkit.core.checks import check_choice, check_int, renamed_parameter
from textkit.core.config import StageConfig
from textkit.core.errors import NotFittedError
from textkit.core.precision import round_sig

__all__ = [
    "DEFAULT_SEEDS",
    "ENGINES",
    "WEIGHTS",
    "LSSConfig",
    "LatentSemanticScaling",
    "correlate_with_dictionary",
    "order_by_score",
    "stable_hash",
    "truncated_svd",
]

logger = logging.getLogger(__name__)

#: Word-vector engines of :class:`LatentSemanticScaling` (``engine``).
ENGINES = ("svd", "word2vec")

#: Weighting schemes of the unit-feature matrix (``weight``; quanteda ``dfm_weight`` names).
WEIGHTS = ("count", "prop", "logcount", "boolean")

#: Seed words of :class:`LSSConfig` (``positive``, ``negative``): eight generic terms of each
#: frame of the shipped lexicon, service / rule of law and stability maintenance.
DEFAULT_SEEDS: tuple[tuple[str, ...], tuple[str, ...]] = (
    ("服务型政府", "公共服务", "便民服务", "依法行政", "法治", "权益", "村民自治", "民主监督"),
    ("维稳", "社会治安", "排查", "打击", "管控", "上访", "防控", "群防群治"),
)

#: Up to this many terms the SVD comes from a dense eigendecomposition of the term Gram
#: matrix (exact, LAPACK); above it from ARPACK with a fixed start vector.
DENSE_MAX_TERMS = 6000

#: A component is kept only while its squared singular value exceeds this fraction of the
#: largest one (numerical rank: vectors of zero singular values are arbitrary).
_RANK_RTOL = 1e-10

#: The last kept component must be separated from the first dropped one by at least this
#: fraction of the largest squared singular value; otherwise rounding could swap vectors
#: between the kept and the dropped space on another machine, and ``k`` is lowered.
_GAP_RTOL = 1e-5

#: A term whose row of the k-dimensional embedding is shorter than this lies (numerically)
#: outside the space; its direction would be rounding noise, so its vector is set to zero.
_MIN_ROW_NORM = 1e-6


def stable_hash(text: str) -> int:
    """Deterministic 32-bit hash of a string (gensim ``hashfxn``; independent of PYTHONHASHSEED).

    Parameters
    ----------
    text : str

    Returns
    -------
    int
    """
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=4).digest(), "little")


def order_by_score(
    frame: pd.DataFrame, column: str, key: str | Sequence[str], ascending: bool = True
) -> pd.DataFrame:
    """Sort a table on a float column rounded to 6 significant digits, then on ``key``.

    Floats differ in their last digits between machines; sorting on the rounded value with a
    unique tie-break key (term, seed, doc_id) keeps the row order of near-ties the same
    everywhere. NaN sorts last; the index is reset.

    Parameters
    ----------
    frame : DataFrame
    column : str
        Float column to sort on.
    key : str or list of str
        Tie-break column(s), always ascending.
    ascending : bool, default True
        Direction of ``column``.

    Returns
    -------
    DataFrame
    """
    keys = [key] if isinstance(key, str) else list(key)
    tmp = "__rounded__"
    out = frame.assign(**{tmp: round_sig(frame[column].to_numpy(dtype=float))})
    out = out.sort_values(
        [tmp, *keys], ascending=[ascending] + [True] * len(keys), kind="mergesort"
    )
    return out.drop(columns=tmp).reset_index(drop=True)


def _weight_matrix(x: sparse.csr_matrix, weight: str) -> sparse.csr_matrix:
    """``x`` weighted as quanteda's ``dfm_weight(x, scheme = weight)`` (base 10 for logcount)."""
    x = sparse.csr_matrix(x, dtype=np.float64, copy=True)
    if weight == "boolean":
        x.data[:] = 1.0
    elif weight == "logcount":
        x.data = 1.0 + np.log10(x.data)
    elif weight == "prop":
        total = np.asarray(x.sum(axis=1)).ravel()
        x = sparse.csr_matrix(sparse.diags(1.0 / np.where(total > 0, total, 1.0)) @ x)
    return x


def truncated_svd(x: sparse.spmatrix, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Largest singular values and right singular vectors of ``x``, float64, deterministic.

    Up to :data:`DENSE_MAX_TERMS` columns the right singular vectors are the eigenvectors of
    the Gram matrix ``x.T @ x`` from LAPACK's ``syevr`` (exact, no random start); above it
    ARPACK (``scipy.sparse.linalg.svds``) with a fixed start vector and ``tol=0``. Fewer
    than ``k`` components are returned when ``x`` has a lower numerical rank, or when the
    ``k``-th singular value is (nearly) tied with the next one: components are then dropped
    until the last kept one is separated from the first dropped one, so that rounding on
    another machine cannot exchange vectors between the kept and the dropped space. The sign
    of each vector is fixed so that its largest-magnitude component is positive. BLAS runs on
    one thread here.

    Within a group of (nearly) equal singular values the vectors themselves are only unique
    up to a rotation; cosine similarities between rows of the returned matrix are not.

    Parameters
    ----------
    x : sparse matrix, shape (n_units, n_terms)
    k : int
        Components wanted, ``1 <= k < min(x.shape)``.

    Returns
    -------
    s : ndarray, shape (k_,)
        Singular values, descending (``k_ <= k``).
    v : ndarray, shape (n_terms, k_)
        Right singular vectors as columns.
    """
    n_units, n_terms = x.shape
    check_int("k", k, 1, min(n_units, n_terms) - 1)
    x = sparse.csr_matrix(x, dtype=np.float64)
    # one BLAS thread: the same code path whatever the thread settings, and no slowdown from
    # BLAS threads competing with other processes (a dense eigh of this size gains little)
    with threadpool_limits(limits=1, user_api="blas"):
        if n_terms <= DENSE_MAX_TERMS:
            gram = (x.T @ x).toarray()
            m = k + 1
            lam, vec = linalg.eigh(gram, subset_by_index=[n_terms - m, n_terms - 1])
            lam, vec = lam[::-1], vec[:, ::-1]
        else:
            from scipy.sparse.linalg import svds

            m = min(k + 1, min(n_units, n_terms) - 1)
            v0 = np.random.default_rng(0).standard_normal(min(n_units, n_terms))
            _, s, vt = svds(x, k=m, v0=v0, tol=0, solver="arpack", return_singular_vectors="vh")
            order = np.argsort(-s, kind="stable")
            lam, vec = s[order] ** 2, vt[order].T
    lam = np.maximum(lam, 0.0)
    if lam[0] <= 0:
        raise ValueError("x: the matrix has no non-zero singular value")
    keep = min(k, int(np.sum(lam[:k] > _RANK_RTOL * lam[0])))
    while keep > 1 and keep < len(lam) and lam[keep - 1] - lam[keep] < _GAP_RTOL * lam[0]:
        keep -= 1
    v = np.array(vec[:, :keep], dtype=np.float64)
    pivot = v[np.argmax(np.abs(v), axis=0), np.arange(keep)]
    v *= np.where(pivot < 0, -1.0, 1.0)
    return np.sqrt(lam[:keep]), v


def _unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1; rows shorter than :data:`_MIN_ROW_NORM` become zero."""
    norms = np.linalg.norm(vectors, axis=1)
    ok = norms >= _MIN_ROW_NORM
    out = np.zeros_like(vectors)
    out[ok] = vectors[ok] / norms[ok, None]
    return out


@dataclasses.dataclass(frozen=True)
class LSSConfig(StageConfig):
    """Options of :class:`LatentSemanticScaling` (see there); the ``[lss]`` table.

    ``engine`` chooses the word vectors (``"svd"``, reproducible across machines, or
    ``"word2vec"``); ``k`` and ``weight`` apply to ``"svd"``, ``vector_size``, ``window``,
    ``epochs`` and ``random_state`` to ``"word2vec"``, ``min_count`` to both. ``positive`` /
    ``negative`` are the seed words of the service / rule-of-law and the stability pole
    (default :data:`DEFAULT_SEEDS`, eight words each, all terms of the shipped lexicon);
    both empty means every lexicon term of its frame (of the ``[frames] lexicon`` file when
    :meth:`LatentSemanticScaling.from_config` reads a project that names one).

    The defaults are a project's, for corpora of the size textkit is used on (thousands of
    sentences, not the millions LSS was designed for), and differ from the estimator's
    LSX-like defaults: ``k = 50`` (LSX's 300 put the held-out seeds of the seed corpus on
    their own pole at chance level, 50 put 14 of 16 there), ``min_count = 3``, and for
    word2vec ``vector_size = 50``, ``epochs = 30``.
    """

    table = "lss"

    vector_size: int = 50
    window: int = 5
    min_count: int = 3
    epochs: int = 30
    random_state: int = 0
    positive: tuple[str, ...] = DEFAULT_SEEDS[0]
    negative: tuple[str, ...] = DEFAULT_SEEDS[1]
    engine: str = "svd"
    k: int = 50
    weight: str = "count"

    def __post_init__(self) -> None:
        check_choice("engine", self.engine, ENGINES)
        check_choice("weight", self.weight, WEIGHTS)
        for name in ("vector_size", "window", "min_count", "epochs", "k"):
            check_int(name, getattr(self, name), 1)
        check_int("random_state", self.random_state)
        for name in ("positive", "negative"):
            v = getattr(self, name)
            if isinstance(v, str) or not all(isinstance(t, str) and t.strip() for t in v):
                raise ValueError(f"{name}: expected a list of seed words, got {v!r}")
        if bool(self.positive) != bool(self.negative):
            raise ValueError("positive / negative: give seed words for both poles or neither")
        both = sorted(set(self.positive) & set(self.negative))
        if both:
            raise ValueError(f"positive / negative: seed word(s) on both poles: {both}")

    @property
    def seeds(self) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
        """``(positive, negative)`` or ``None`` (lexicon default)."""
        return (self.positive, self.negative) if self.positive else None


def _default_seeds(lexicon: Any = None) -> dict[str, int]:
    """Every term of the lexicon's frames (``lexicon``: a Lexicon or a path; None: the
    shipped lexicon): ``service_law`` +1, ``stability`` -1."""
    from textkit.core.lexicon import as_lexicon

    lex = as_lexicon(lexicon)
    seeds = {t: 1 for t in lex.terms("service_law")}
    seeds.update({t: -1 for t in lex.terms("stability")})
    return seeds


#: The two poles of the seeds (+1 / -1) as messages name them.
_POLE_NAMES = ((1, "positive (service_law)"), (-1, "negative (stability)"))


def _term_counts(sents: Iterable[Sequence[str]]) -> dict[str, int]:
    """Occurrences of each term in the token lists."""
    counts: dict[str, int] = {}
    for toks in sents:
        for t in toks:
            counts[t] = counts.get(t, 0) + 1
    return counts


def _check_tokens(token_lists: Any, name: str) -> list[list[str]]:
    if isinstance(token_lists, (str, bytes)):
        raise TypeError(f"{name}: expected a sequence of token lists, got a string")
    out = []
    for i, toks in enumerate(token_lists):
        if isinstance(toks, str):
            raise TypeError(f"{name}[{i}]: expected a list of tokens, got a string")
        out.append([str(t) for t in toks])
    return out


def _count_matrix(docs: list[list[str]], index: dict[str, int]) -> sparse.csr_matrix:
    """Documents x terms count matrix (``index`` order; tokens not in ``index`` dropped)."""
    rows, cols = [], []
    for i, toks in enumerate(docs):
        for t in toks:
            j = index.get(t)
            if j is not None:
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows), dtype=np.float64)
    m = sparse.csr_matrix((data, (rows, cols)), shape=(len(docs), len(index)))
    m.sum_duplicates()
    return m


class LatentSemanticScaling:
    """Latent Semantic Scaling estimator (scikit-learn style).

    Parameters
    ----------
    seeds : mapping str -> {+1, -1} or (positive, negative) pair of sequences, optional
        Seed words. Default: frame lexicon terms, ``service_law`` = +1, ``stability`` = -1.
        Seeds absent from the vocabulary are dropped with a warning naming them; a pole
        without any seed in the vocabulary raises ``ValueError``.
    vector_size, window, epochs : int
        gensim ``Word2Vec`` settings (skip-gram, ``workers=1``); ``engine="word2vec"`` only.
    min_count : int, default 2
        Terms occurring fewer times in the fitted token lists are left out of the
        vocabulary (both engines).
    random_state : int, default 0
        Random seed of Word2Vec; with ``workers=1`` and a deterministic ``hashfxn`` the
        vectors are identical across runs and PYTHONHASHSEED values on one machine.
    engine : {"svd", "word2vec"}, default "svd"
        Where the word vectors come from (see below).
    k : int, default 300
        ``engine="svd"``: number of singular vectors (dimensions of the word vectors), as
        LSX's ``k``. Clipped, with a warning, to ``min(n_units, n_terms) - 1`` (units =
        non-empty token lists after dropping rare terms), and lowered further, silently, to
        the numerical rank of the matrix and past (near-)ties of the ``k``-th singular value
        with the next one (see :func:`truncated_svd`); the value used is ``k_``.
    weight : {"count", "prop", "logcount", "boolean"}, default "count"
        ``engine="svd"``: weighting of the unit-feature matrix before the SVD, as
        quanteda's ``dfm_weight(scheme = weight)`` that LSX applies (``logcount`` is
        ``1 + log10(count)``, ``prop`` divides by the unit's total).

    Notes
    -----
    ``engine="svd"`` follows LSX's ``textmodel_lss()`` on a dfm (defaults ``k = 300``,
    ``weight = "count"``, ``simil_method = "cosine"``, all terms scored): a unit (fitted
    token list) x feature (term with at least ``min_count`` occurrences) matrix is weighted,
    its ``k`` largest right singular vectors, *unscaled* by the singular values (as LSX's
    ``embed <- t(svd$v)``; early LSX versions scaled them), are the word vectors, and a term's
    polarity is the sum over seeds of seed weight x cosine similarity, a seed's weight being
    +-1 / (number of seeds of its pole), so polarity = mean similarity to the positive seeds
    minus mean similarity to the negative ones (LSX's ``weight_seeds``/``get_beta``). LSX
    divides by the number of seeds *given*; here by the number *found* in the vocabulary,
    which differs only when a seed is absent (a warning names it). Where LSX uses RSpectra's
    randomly started Lanczos method, this uses an exact float64 eigendecomposition with a
    stable sign rule, reproducible across machines at 6 significant digits. Not taken from
    LSX: glob seed patterns, ``slice``, ``auto_weight``, ``se_fit`` and ``min_n``. Unlike LSX,
    term polarities are also standardised (``term_polarity_``), and a ``k`` too large for the
    matrix is clipped where LSX stops with an error.

    A term whose vector is (numerically) zero in the k-dimensional space, e.g. one that
    occurs only in units disconnected from the rest, gets raw polarity 0.

    ``engine="word2vec"`` trains gensim float32 ``Word2Vec``: reproducible on one machine,
    but another CPU kernel or BLAS moves term polarities by ~1e-4, beyond the 6 significant
    digits textkit promises for its tables.

    Attributes
    ----------
    vocab_ : list of str
        Terms with vectors (``svd``: by frequency descending, then term; ``word2vec``: the
        gensim vocabulary order).
    vectors_ : ndarray, shape (n_terms, k_) or (n_terms, vector_size)
        Word vectors (``svd``: float64 right singular vectors; ``word2vec``: float32).
    singular_values_ : ndarray
        ``svd`` only: the ``k_`` singular values, descending.
    k_ : int
        Dimensions of the word vectors used.
    model_ : gensim.models.Word2Vec
        ``word2vec`` only.
    seeds_ : dict str -> int
        Seeds used (present in the vocabulary), sorted.
    term_polarity_ : DataFrame
        ``term``, ``polarity`` (standardised, mean 0 / sd 1 over the vocabulary; positive =
        service / rule of law), ``raw``, ``freq``; sorted by polarity (rounded to 6
        significant digits) descending, then term.
    """

    @renamed_parameter("seed", "random_state")
    def __init__(
        self,
        seeds: Any = None,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 2,
        epochs: int = 20,
        random_state: int = 0,
        engine: str = "svd",
        k: int = 300,
        weight: str = "count",
    ) -> None:
        self.seeds = seeds
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.epochs = epochs
        self.random_state = random_state
        self.engine = engine
        self.k = k
        self.weight = weight

    @classmethod
    def from_config(cls, project: Any = None, **overrides: Any) -> LatentSemanticScaling:
        """An unfitted model with the settings of the ``[lss]`` table of ``textkit.toml``.

        Parameters
        ----------
        project : textkit.core.config.ProjectConfig, optional
            Parsed ``textkit.toml`` (``None``: the defaults of :class:`LSSConfig`, which are
            not the constructor's: ``k = 50``, ``min_count = 3``, the seeds of
            :data:`DEFAULT_SEEDS`).
        **overrides
            :class:`LSSConfig` fields that win over the file.

        Returns
        -------
        LatentSemanticScaling

        Raises
        ------
        textkit.core.config.ConfigError
            Unknown or invalid setting (file, table and key named).
        """
        cfg = LSSConfig.from_project(project, **overrides)
        seeds: Any = cfg.seeds
        if seeds is None and project is not None:  # the project's lexicon, when it names one
            from textkit.frames.score import FrameConfig

            lexicon = FrameConfig.from_project(project).lexicon
            seeds = _default_seeds(lexicon) if lexicon is not None else None
        return cls(
            seeds=seeds,
            vector_size=cfg.vector_size,
            window=cfg.window,
            min_count=cfg.min_count,
            epochs=cfg.epochs,
            random_state=cfg.random_state,
            engine=cfg.engine,
            k=cfg.k,
            weight=cfg.weight,
        )

    # -- helpers --------------------------------------------------------------------------
    def _config(self) -> LSSConfig:
        return LSSConfig(
            vector_size=self.vector_size,
            window=self.window,
            min_count=self.min_count,
            epochs=self.epochs,
            random_state=self.random_state,
            engine=self.engine,
            k=self.k,
            weight=self.weight,
        )

    def _seed_dict(self) -> dict[str, int]:
        seeds = self.seeds
        if seeds is None:
            return _default_seeds()
        if isinstance(seeds, tuple) and len(seeds) == 2:
            pos, neg = seeds
            out = {str(t): 1 for t in pos}
            out.update({str(t): -1 for t in neg})
            return out
        if isinstance(seeds, dict):
            out = {}
            for t, v in seeds.items():
                check_choice(f"seeds[{t!r}]", v, (1, -1))
                out[str(t)] = int(v)
            return out
        raise ValueError("seeds: expected a dict term -> +1/-1 or a (positive, negative) pair")

    def _similarities(self, terms: list[str]) -> np.ndarray:
        """Cosine similarity of every vocabulary term (rows) to ``terms`` (columns)."""
        vecs = self._unit_vectors_
        return vecs @ vecs[[self._index_[t] for t in terms]].T

    def _raw_polarity(
        self, seeds: dict[str, int], sims: np.ndarray | None = None, columns: list | None = None
    ) -> np.ndarray:
        """Unstandardised polarity of every vocabulary term (``vocab_`` order).

        ``sims`` / ``columns``: precomputed :meth:`_similarities` to a superset of the seeds
        and the seed of each column.
        """
        if sims is None:
            columns = sorted(seeds)
            sims = self._similarities(columns)
        col = {t: j for j, t in enumerate(columns)}
        raw = np.zeros(len(self.vocab_))
        for pole in (1, -1):
            terms = sorted(t for t, v in seeds.items() if v == pole)
            # LSS weights each seed by 1 / (number of seeds of its pole)
            raw += pole * sims[:, [col[t] for t in terms]].mean(axis=1)
        return raw

    @staticmethod
    def _standardise(raw: np.ndarray) -> np.ndarray:
        sd = raw.std()
        return (raw - raw.mean()) / sd if sd > 0 else raw - raw.mean()

    def _polarity(self, seeds: dict[str, int]) -> pd.DataFrame:
        raw = self._raw_polarity(seeds)
        df = pd.DataFrame(
            {"term": self.vocab_, "polarity": self._standardise(raw), "raw": raw,
             "freq": self.freq_}
        )  # fmt: skip
        return order_by_score(df, "polarity", "term", ascending=False)

    def _fit_word2vec(self, cfg: LSSConfig, sents: list[list[str]]) -> None:
        from gensim.models import Word2Vec

        self.model_ = Word2Vec(
            sentences=sents,
            vector_size=cfg.vector_size,
            window=cfg.window,
            min_count=cfg.min_count,
            epochs=cfg.epochs,
            seed=cfg.random_state,
            workers=1,
            sg=1,
            hashfxn=stable_hash,
        )
        kv = self.model_.wv
        self.vocab_ = list(kv.index_to_key)
        self.freq_ = np.array([kv.get_vecattr(t, "count") for t in self.vocab_], dtype=np.int64)
        self.vectors_ = kv.vectors
        self.k_ = int(cfg.vector_size)
        self._unit_vectors_ = kv.get_normed_vectors()

    @staticmethod
    def _svd_vocabulary(sents: list[list[str]], min_count: int) -> tuple[list[str], dict]:
        """Terms with at least ``min_count`` occurrences (frequency descending, then term)."""
        counts = _term_counts(sents)
        vocab = sorted((t for t, c in counts.items() if c >= min_count),
                       key=lambda t: (-counts[t], t))  # fmt: skip
        if not vocab:
            raise ValueError(f"token_lists: no term occurs min_count={min_count} times")
        return vocab, counts

    def _fit_svd(
        self, cfg: LSSConfig, sents: list[list[str]], vocab: list[str], counts: dict
    ) -> None:
        x = _count_matrix(sents, {t: i for i, t in enumerate(vocab)})
        x = x[np.flatnonzero(np.diff(x.indptr))]  # units left empty carry no information
        limit = min(x.shape) - 1
        if limit < 1:
            raise ValueError(
                f"token_lists: {x.shape[0]} unit(s) x {x.shape[1]} term(s) with "
                f"min_count={cfg.min_count}: too few for an SVD"
            )
        k = cfg.k
        if k > limit:
            msg = (f"k={k} exceeds what the {x.shape[0]} unit(s) x {x.shape[1]} term(s) "
                   f"matrix allows; using k={limit}")  # fmt: skip
            warnings.warn(msg, UserWarning, stacklevel=3)
            logger.warning(msg)
            k = limit
        s, v = truncated_svd(_weight_matrix(x, cfg.weight), k)
        if len(s) < k:
            logger.info("k lowered from %d to %d (rank / tied singular values)", k, len(s))
        self.vocab_ = vocab
        self.freq_ = np.array([counts[t] for t in vocab], dtype=np.int64)
        self.vectors_ = v
        self.singular_values_ = s
        self.k_ = len(s)
        self._unit_vectors_ = _unit_rows(v)

    @staticmethod
    def _seeds_in(
        seeds: dict[str, int], vocab: Iterable[str], min_count: int, counts: Mapping[str, int]
    ) -> dict[str, int]:
        """The seeds in ``vocab`` (sorted); warns about absent ones (with how often each
        occurs alone and inside longer tokens, from ``counts``), raises for an empty pole."""
        known = set(vocab)
        absent = sorted(t for t in seeds if t not in known)
        if absent:
            inside = {t: {} for t in absent}  # seed -> longer token -> count
            for token, n in counts.items():
                for t in absent:
                    if t in token and t != token:
                        inside[t][token] = n
            parts = []
            for t in absent:
                longer = sorted(inside[t].items(), key=lambda kv: (-kv[1], kv[0]))
                where = f"{t} ({counts.get(t, 0)} alone"
                if longer:
                    n_in = sum(n for _, n in longer)
                    where += f", {n_in} inside longer words: " + ", ".join(w for w, _ in longer[:3])
                parts.append(where + ")")
            msg = (
                f"{len(absent)} seed word(s) occur fewer than min_count={min_count} times as "
                f"tokens of their own and are dropped: {'; '.join(parts)}"
            )
            if any(inside.values()):
                msg += (
                    "; a seed inside a longer word of the dictionary counts only when the "
                    "segmenter also gives the parts ([segment] term_parts = true)"
                )
            warnings.warn(msg, UserWarning, stacklevel=3)
            logger.warning(msg)
        used = {t: seeds[t] for t in sorted(seeds) if t in known}
        for pole, name in _POLE_NAMES:
            if not any(v == pole for v in used.values()):
                raise ValueError(
                    f"seeds: no {name} seed word occurs in the model vocabulary "
                    f"(min_count={min_count}); absent: "
                    f"{sorted(t for t, v in seeds.items() if v == pole)}"
                )
        return used

    # -- API --------------------------------------------------------------------------------
    def unseeded_poles(self, token_lists: Iterable[Sequence[str]]) -> list[str]:
        """The poles none of whose seed words occurs ``min_count`` times in ``token_lists``
        (``"positive (service_law)"``, ``"negative (stability)"``): :meth:`fit` on them would
        raise. Empty: the model can be fitted. A notebook checks this first on a corpus too
        small for LSS (a few articles) and shows why the section is empty.

        Parameters
        ----------
        token_lists : iterable of list of str
            The units :meth:`fit` would be given.

        Returns
        -------
        list of str
        """
        cfg = self._config()
        counts = _term_counts(_check_tokens(token_lists, "token_lists"))
        found = {v for t, v in self._seed_dict().items() if counts.get(t, 0) >= cfg.min_count}
        return [name for pole, name in _POLE_NAMES if pole not in found]

    def fit(self, token_lists: Iterable[Sequence[str]]) -> LatentSemanticScaling:
        """Derive word vectors and compute term polarities.

        Parameters
        ----------
        token_lists : iterable of list of str
            Fitting units, e.g. sentences (``segment_corpus(docs, unit="sentence")["tokens"]``).

        Returns
        -------
        self
        """
        cfg = self._config()
        seeds = self._seed_dict()
        sents = [t for t in _check_tokens(token_lists, "token_lists") if t]
        if not sents:
            raise ValueError("token_lists: no non-empty token list to train on")
        if cfg.engine == "word2vec":
            self._fit_word2vec(cfg, sents)
            used = self._seeds_in(seeds, self.vocab_, cfg.min_count, _term_counts(sents))
        else:  # the seeds are checked before the (costly) SVD
            vocab, counts = self._svd_vocabulary(sents, cfg.min_count)
            used = self._seeds_in(seeds, vocab, cfg.min_count, counts)
            self._fit_svd(cfg, sents, vocab, counts)
        self._index_ = {t: i for i, t in enumerate(self.vocab_)}
        self.seeds_ = used
        self.term_polarity_ = self._polarity(used)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "term_polarity_"):
            raise NotFittedError("LatentSemanticScaling is not fitted; call fit() first")

    def _doc_matrix(self, docs: list[list[str]]) -> sparse.csr_matrix:
        """Documents x vocabulary count matrix (``vocab_`` order; unknown tokens dropped)."""
        return _count_matrix(docs, self._index_)

    @staticmethod
    def _score(counts: sparse.csr_matrix, polarity: np.ndarray) -> np.ndarray:
        n = np.asarray(counts.sum(axis=1)).ravel()
        total = counts @ polarity
        raw = np.full(len(n), np.nan)
        ok = n > 0
        raw[ok] = total[ok] / n[ok]
        if ok.sum() > 1 and raw[ok].std() > 0:
            raw[ok] = (raw[ok] - raw[ok].mean()) / raw[ok].std()
        return raw

    def _vocab_polarity(self) -> np.ndarray:
        pol = self.term_polarity_.set_index("term")["polarity"]
        return pol.reindex(self.vocab_).to_numpy()

    def transform(self, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
        """Score documents.

        A document's score is the mean polarity of its tokens that are in the model
        vocabulary (each occurrence counts), standardised over the documents passed (mean 0,
        sd 1). Documents with no known token get NaN. Scores come in the order of the input;
        to rank documents use :func:`order_by_score` (rounded score, then ``doc_id``).

        Parameters
        ----------
        token_lists : iterable of list of str
            One token list per document.

        Returns
        -------
        numpy.ndarray
            Scores; positive = service / rule of law, negative = stability.

        Raises
        ------
        textkit.core.errors.NotFittedError
            When the model has not been fitted.
        """
        self._check_fitted()
        docs = _check_tokens(token_lists, "token_lists")
        return self._score(self._doc_matrix(docs), self._vocab_polarity())

    def fit_transform(self, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
        """Fit on ``token_lists`` and score the same lists."""
        docs = _check_tokens(token_lists, "token_lists")
        return self.fit(docs).transform(docs)

    def leave_one_seed_out(
        self, token_lists: Iterable[Sequence[str]] | None = None
    ) -> pd.DataFrame:
        """Sensitivity of document scores to each seed word.

        For each seed, term polarities are recomputed without it (same word vectors) and
        documents are re-scored; the Pearson correlation with the full-seed scores is reported.
        A seed whose pole would be empty is reported with NaN.

        Parameters
        ----------
        token_lists : iterable of list of str, optional
            Documents to score. Default: the vocabulary terms themselves (term-level
            sensitivity: correlation of term polarities).

        Returns
        -------
        DataFrame
            ``seed``, ``pole`` (+1 / -1), ``correlation`` in [-1, 1]; sorted by correlation
            (rounded to 6 significant digits) ascending (most influential seed first), then
            seed; NaN last.

        Raises
        ------
        textkit.core.errors.NotFittedError
            When the model has not been fitted.
        """
        self._check_fitted()
        docs = None if token_lists is None else _check_tokens(token_lists, "token_lists")
        counts = None if docs is None else self._doc_matrix(docs)
        full = self._vocab_polarity()
        base = full if counts is None else self._score(counts, full)
        rows = []
        columns = sorted(self.seeds_)
        sims = self._similarities(columns)
        for term in columns:
            rest = {t: v for t, v in self.seeds_.items() if t != term}
            if not any(v == self.seeds_[term] for v in rest.values()):
                rows.append((term, self.seeds_[term], np.nan))
                continue
            pol = self._standardise(self._raw_polarity(rest, sims, columns))
            alt = pol if counts is None else self._score(counts, pol)
            ok = ~(np.isnan(base) | np.isnan(alt))
            r = float(np.corrcoef(base[ok], alt[ok])[0, 1]) if ok.sum() > 2 else np.nan
            rows.append((term, self.seeds_[term], float(np.clip(r, -1.0, 1.0))))
        out = pd.DataFrame(rows, columns=["seed", "pole", "correlation"])
        return order_by_score(out, "correlation", "seed")


def correlate_with_dictionary(
    lss_scores: Sequence[float], frame_scores: pd.DataFrame, column: str = "balance"
) -> dict[str, float]:
    """Spearman correlation between LSS document scores and the dictionary balance.

    Parameters
    ----------
    lss_scores : sequence of float
        Output of :meth:`LatentSemanticScaling.transform`, in the row order of
        ``frame_scores``.
    frame_scores : DataFrame
        Output of ``textkit.frames.score.score_frames`` (same documents, same order).
    column : str, default "balance"
        Dictionary column to correlate with.

    Returns
    -------
    dict
        ``rho``, ``p_value``, ``n`` (pairs where both are finite; the dictionary balance is
        NaN for texts without frame terms).
    """
    if column not in frame_scores.columns:
        raise ValueError(f"column: {column!r} not in frame_scores")
    a = np.asarray(lss_scores, dtype=float)
    b = frame_scores[column].to_numpy(dtype=float)
    if len(a) != len(b):
        raise ValueError(f"lss_scores ({len(a)}) and frame_scores ({len(b)}) differ in length")
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 3:
        return {"rho": float("nan"), "p_value": float("nan"), "n": int(ok.sum())}
    res = stats.spearmanr(a[ok], b[ok])
    return {"rho": float(res.statistic), "p_value": float(res.pvalue), "n": int(ok.sum())}
