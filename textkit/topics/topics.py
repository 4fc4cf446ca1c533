"""Topics stage: topic models a reviewer can check (K, seeds, meaning, group effects).

Input is a :class:`textkit.dtm.vectorizer.DocumentTermMatrix`; output is plain tables.
:func:`topic_matrix` builds that matrix from the units table at the modelling unit
(paragraphs by default: the seed corpus has few, long articles) and keeps what is needed
later: the token lists for coherence, the units for representative paragraphs and the
paragraph -> article map for group effects.

Models
    :class:`LdaTopicModel` wraps gensim's :class:`~gensim.models.LdaModel` (variational Bayes,
    ``float64``, deterministic given ``random_state``). gensim trains it; only the E-step
    runs vectorised over the short documents of a mini-batch (:mod:`textkit.topics.estep`:
    gensim's updates, random start and stopping rule, equal to gensim's own E-step to
    rounding; 1.6-5.7x faster on paragraphs, as fast on articles), and the saved model is a
    plain gensim model. ``multicore=True`` switches to :class:`~gensim.models.LdaMulticore`,
    a faster option whose results depend on worker scheduling and are **not reproducible**.
    :class:`NmfTopicModel` wraps scikit-learn's :class:`~sklearn.decomposition.NMF` on tf-idf
    weights. :class:`SeededLdaTopicModel` adds seeded frame topics (keyATM / seededlda
    style): seed words, by default the ``stability`` and ``service_law`` terms of the frame
    lexicon, get a larger Dirichlet prior (``eta``) in their own topic, next to ``n_topics``
    free topics. All follow scikit-learn conventions: parameters
    in ``__init__`` (validated there), ``fit(dtm)`` returns the model, fitted attributes end in
    ``_`` (``doc_topic_``, ``topic_term_``, ``empty_docs_``, ...), ``transform(dtm)`` gives the
    topic shares of new documents.

Description
    :func:`top_terms` ranks terms by probability, FREX (Roberts, Stewart & Airoldi 2016: the
    weighted harmonic mean of a term's within-topic frequency rank and exclusivity rank) or
    LDAvis relevance (Sievert & Shirley 2014); :func:`representative_docs` lists the documents
    (or paragraphs) with the largest share of each topic, with titles.

Choosing K, checking seeds
    :func:`select_k` fits a grid of K (and seeds) and reports coherence (c_v, c_npmi, u_mass via
    gensim's ``CoherenceModel``), held-out perplexity and exclusivity, like stm's ``searchK``.
    :func:`topic_stability` refits a model with several seeds and matches topics to a reference
    run with the Hungarian algorithm (like stm's ``selectModel``); :func:`match_topics` matches
    two fitted models. :func:`k_summary` condenses the ``select_k`` grid to per-K means and
    ranks.

Group effects
    :func:`topic_prevalence` estimates mean topic shares per group with bootstrap confidence
    intervals over documents (a simple, transparent stand-in for stm's ``estimateEffect``);
    for paragraph models the bootstrap resamples whole articles (``clusters``).

Exports
    :func:`save_topic_tables` writes CSV + Parquet tables; :func:`save_model` writes the model
    in gensim's own format (LDA) or as plain ``.npy`` arrays (NMF) next to a JSON stamp
    (textkit version, config, vocabulary hash, file checksums) that :func:`load_model` checks
    before reading anything. gensim's loader uses :mod:`pickle`: only load directories you
    created yourself; :func:`load_model` never searches for models on its own.

Every random step takes an explicit seed; output tables are sorted and independent of
``PYTHONHASHSEED``. Figures for these tables are in :mod:`textkit.plots.topics`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import os
import tempfile
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

from textkit import __version__
from textkit.core.config import StageConfig
from textkit.core.io import (
    sha256_bytes,
    sha256_file,
    sha256_text,
    write_bytes,
    write_csv,
    write_json,
    write_parquet,
    write_text,
)
from textkit.core.precision import round_sig
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics.estep import batched_inference, vectorised_estep

__all__ = [
    "TopicConfig",
    "LdaConfig",
    "NmfConfig",
    "LdaTopicModel",
    "NmfTopicModel",
    "SeededLdaTopicModel",
    "StabilityResult",
    "TopicData",
    "topic_matrix",
    "drop_empty_documents",
    "fit_topics",
    "top_terms",
    "topic_summary",
    "representative_docs",
    "add_unit_key",
    "select_k",
    "k_summary",
    "heldout_perplexity",
    "topic_stability",
    "match_topics",
    "compare_models",
    "topic_prevalence",
    "prevalence_contrast",
    "save_topic_tables",
    "save_model",
    "load_model",
    "save_ldavis_html",
]

logger = logging.getLogger(__name__)

_ALPHA_STRINGS = ("symmetric", "asymmetric", "auto")
_ETA_STRINGS = ("symmetric", "auto")
_STAMP = "textkit_topic_model.json"
_ROUND = 12  # similarities are rounded so that identical topics score exactly 1.0


# --------------------------------------------------------------------------- validation


def _check_int(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name}: expected an integer >= {minimum}, got {value}")
    return int(value)


def _check_prior(name: str, value: Any, strings: tuple[str, ...], allow_none: bool) -> Any:
    """Validate a Dirichlet prior setting; arrays are frozen to float64 tuples."""
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        if value not in strings:
            raise ValueError(f"{name}: expected one of {strings}, a positive number or an array")
        return value
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected one of {strings}, a positive number or an array")
    if isinstance(value, (int, float, np.integer, np.floating)):
        if not (math.isfinite(float(value)) and float(value) > 0):
            raise ValueError(f"{name}: a number must be positive and finite, got {value}")
        return float(value)
    arr = np.asarray(value, dtype=np.float64)
    if arr.ndim not in (1, 2) or arr.size == 0:
        raise ValueError(f"{name}: an array must be 1-D or 2-D and non-empty")
    if not (np.all(np.isfinite(arr)) and np.all(arr > 0)):
        raise ValueError(f"{name}: array values must be positive and finite")
    return arr


def _check_dtm(dtm: Any) -> DocumentTermMatrix:
    if not isinstance(dtm, DocumentTermMatrix):
        raise ValueError(
            f"dtm: expected a textkit.dtm.vectorizer.DocumentTermMatrix, got {type(dtm).__name__}"
        )
    n_docs, n_terms = dtm.shape
    if n_terms == 0:
        raise ValueError("dtm: the vocabulary is empty (check vectorize's min_df / max_df)")
    if n_docs == 0:
        raise ValueError("dtm: no documents")
    return dtm


def _check_k_vs_docs(n_topics: int, dtm: DocumentTermMatrix, setting: str = "n_topics") -> None:
    lengths = np.asarray(dtm.matrix.sum(axis=1)).ravel()
    n_nonempty = int((lengths > 0).sum())
    if n_nonempty == 0:
        raise ValueError("dtm: every document is empty (no tokens left after vectorizing)")
    if n_topics > n_nonempty:
        raise ValueError(
            f"{setting}={n_topics} is larger than the number of non-empty documents "
            f"({n_nonempty}); choose fewer topics"
        )


def _topic_labels(k: int) -> tuple[str, ...]:
    width = max(2, len(str(k)))
    return tuple(f"T{i + 1:0{width}d}" for i in range(k))


def _normalize_rows(a: np.ndarray, fill: np.ndarray | None = None) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    s = a.sum(axis=1, keepdims=True)
    out = np.divide(a, s, out=np.zeros_like(a), where=s > 0)
    if fill is not None:
        out[(s <= 0).ravel()] = fill
    return out


def _row_lengths(matrix: sp.spmatrix) -> np.ndarray:
    return np.asarray(matrix.sum(axis=1)).ravel()


def _warn_empty(doc_ids: Sequence[str], lengths: np.ndarray) -> tuple[str, ...]:
    empty = tuple(d for d, n in zip(doc_ids, lengths, strict=True) if n <= 0)
    if empty:
        shown = ", ".join(empty[:10]) + (" ..." if len(empty) > 10 else "")
        msg = (
            f"{len(empty)} document(s) have no tokens; their topic shares are the prior "
            f"mean (listed in empty_docs_): {shown}"
        )
        warnings.warn(msg, UserWarning, stacklevel=3)
        logger.warning(msg)
    return empty


def _vocab_hash(vocabulary: Sequence[str]) -> str:
    return sha256_text("\n".join(vocabulary))


def _dtm_key(dtm: DocumentTermMatrix | None) -> str | None:
    """sha256 of a document-term matrix: its counts, document ids and vocabulary."""
    if dtm is None:
        return None
    from textkit.core.cache import canonical_json

    m = dtm.matrix.tocsr()
    if not m.has_sorted_indices:
        m = m.sorted_indices()  # a sorted copy: the caller's matrix is left as it is
    h = hashlib.sha256(f"{m.shape} {m.data.dtype.str}".encode("ascii"))
    for arr in (m.indptr, m.indices):
        h.update(np.ascontiguousarray(arr, dtype=np.int64).tobytes())
    h.update(np.ascontiguousarray(m.data).tobytes())  # as stored: float counts stay apart
    h.update(canonical_json([list(dtm.doc_ids), list(dtm.vocabulary)]).encode("utf-8"))
    return h.hexdigest()


def _fit_store(cache: Any) -> Any:
    """The stage cache of model fits (``cache_dir("stages")`` for True, a directory, or None).

    Fits are stored as tables of their results (never as pickled models), keyed by the
    matrix, the settings, the seed, the library versions and textkit's code fingerprint.
    """
    if cache is False or cache is None:
        return None
    if cache is not True and not isinstance(cache, (str, os.PathLike)):
        raise ValueError(f"cache: expected True, False or a directory, got {cache!r}")
    from textkit.core.cache import StageCache

    return StageCache(None if cache is True else cache)


@dataclass(frozen=True)
class _StoredRun:
    """A run of :func:`topic_stability` read back from the cache: its topic-term matrix."""

    topic_term_: pd.DataFrame


def _run_table(model: Any) -> pd.DataFrame | None:
    """A fitted run's topic-term matrix as a cacheable table (terms as rows)."""
    tt = model.topic_term_
    if "term" in map(str, tt.index):
        return None  # a topic named like the key column: not cached
    out = tt.T.reset_index(names="term")
    out.columns = ["term", *map(str, tt.index)]
    return out


def _stored_run(table: pd.DataFrame) -> _StoredRun:
    tt = table.set_index("term").T
    tt.index.name, tt.columns.name = "topic", "term"  # as a fitted model's topic_term_
    return _StoredRun(topic_term_=tt)


def _tokens_key(token_lists: list[list[str]] | None) -> str | None:
    """sha256 of token lists, hashed one list at a time (no corpus-sized string)."""
    if token_lists is None:
        return None
    import json

    h = hashlib.sha256()
    for tokens in token_lists:
        h.update(json.dumps(tokens, ensure_ascii=False).encode("utf-8") + b"\n")
    return h.hexdigest()


def _map_cached(
    func: Any,
    items: Sequence[Any],
    keys: Sequence[Mapping[str, Any] | None],
    store: Any,
    stage: str,
    n_jobs: int,
    encode: Any,
    decode: Any,
) -> tuple[list[Any], int]:
    """``[func(x) for x in items]`` in ``n_jobs`` processes, each result read from / written
    to ``store`` under ``(stage, keys[i])`` as the table ``encode(result)`` (``decode`` turns
    it back). A None key, a None store or a None table means no caching for that item; a
    cache that cannot be written costs the reuse, not the run. Returns the results and the
    number read from the cache."""
    from textkit.core.executor import map_documents
    out: dict[int, Any] = {}
    if store is not None:
        for i, key in enumerate(keys):
            hit = None if key is None else store.get(stage, dict(key))
            if hit is not None:
                out[i] = decode(hit)
    n_hits = len(out)
    todo = [i for i in range(len(items)) if i not in out]
    fresh = map_documents(func, [items[i] for i in todo], n_jobs=n_jobs, chunksize=1)
    for i, result in zip(todo, fresh, strict=True):
        out[i] = result
        table = encode(result) if store is not None and keys[i] is not None else None
        if table is not None:
            try:
                store.put(stage, dict(keys[i]), table)
            except (OSError, ValueError) as exc:
                logger.warning("%s: result not cached (%s)", stage, exc)
    return [out[i] for i in range(len(items))], n_hits


def _align(dtm: DocumentTermMatrix, vocabulary: Sequence[str]) -> sp.csr_matrix:
    """Columns of ``dtm`` reordered to ``vocabulary`` (unknown terms dropped, missing = 0)."""
    if tuple(dtm.vocabulary) == tuple(vocabulary):
        return dtm.matrix.tocsr()
    index = {t: j for j, t in enumerate(vocabulary)}
    cols = np.array([index.get(t, -1) for t in dtm.vocabulary], dtype=np.int64)
    known = cols >= 0
    n_unknown = int((~known).sum())
    if n_unknown:
        logger.info("transform: %d terms not in the model vocabulary are ignored", n_unknown)
    if not known.any():
        raise ValueError("dtm: none of its terms is in the model vocabulary")
    csc = dtm.matrix.tocsc()[:, np.flatnonzero(known)]
    coo = csc.tocoo()
    mapped = cols[known][coo.col]
    out = sp.csr_matrix(
        (coo.data, (coo.row, mapped)), shape=(dtm.shape[0], len(vocabulary)), dtype=np.int64
    )
    out.sum_duplicates()
    out.sort_indices()
    return out


def _sorted_csr(matrix: sp.spmatrix) -> sp.csr_matrix:
    """``matrix`` as CSR with sorted column indices, never sorting the caller's matrix."""
    csr = matrix.tocsr()
    if not csr.has_sorted_indices:
        csr = csr.sorted_indices()
    return csr


def _bow(matrix: sp.csr_matrix) -> list[list[tuple[int, int]]]:
    csr = _sorted_csr(matrix)
    out = []
    for i in range(csr.shape[0]):
        s, e = csr.indptr[i], csr.indptr[i + 1]
        out.append([(int(j), int(v)) for j, v in zip(csr.indices[s:e], csr.data[s:e], strict=True)])
    return out


def _no_lifecycle_log(model: Any) -> None:
    """Drop gensim's lifecycle log (wall-clock times, paths) so saved models are repeatable.

    gensim appends ``{"datetime": ..., "platform": ...}`` records to ``lifecycle_events`` on
    creation and on every save; setting the attribute to ``None`` is gensim's documented way to
    switch this off.
    """
    for obj in (model, getattr(model, "state", None), getattr(model, "id2word", None)):
        if obj is not None:
            obj.lifecycle_events = None


def _dictionary(vocabulary: Sequence[str], matrix: sp.csr_matrix) -> Any:
    from gensim.corpora import Dictionary

    d = Dictionary()
    d.token2id = {t: j for j, t in enumerate(vocabulary)}
    csc = matrix.tocsc()
    dfs = np.diff(csc.indptr)
    cfs = np.asarray(csc.sum(axis=0)).ravel()
    d.dfs = {j: int(dfs[j]) for j in range(len(vocabulary))}
    d.cfs = {j: int(cfs[j]) for j in range(len(vocabulary))}
    d.num_docs = int(matrix.shape[0])
    d.num_pos = int(matrix.sum())
    d.num_nnz = int(matrix.nnz)
    return d


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class TopicData:
    """The matrix a topic model is fit on, with what is needed to describe and group it.

    Made by :func:`topic_matrix`.

    Attributes
    ----------
    dtm : DocumentTermMatrix
        One row per unit (paragraph key ``"<doc_id>/<para_id>"``, sentence key
        ``"<doc_id>/<para_id>.<sent_id>"`` or article ``doc_id``); units with no token left
        after pruning are removed (listed in ``empty``).
    texts : dict
        Row id -> its tokens before pruning (for c_v / c_npmi coherence in :func:`select_k`).
    units : DataFrame
        The units table with a ``unit_key`` column (for :func:`representative_docs`).
    unit_doc : Series
        Row id -> article ``doc_id`` (the ``clusters`` of :func:`topic_prevalence`).
    unit : str
        ``"paragraph"``, ``"sentence"`` or ``"document"``.
    empty : tuple of str
        Units left out because pruning removed all their tokens (headings, dates ...).
    """

    dtm: DocumentTermMatrix
    texts: dict
    units: pd.DataFrame
    unit_doc: pd.Series
    unit: str
    empty: tuple[str, ...]


def drop_empty_documents(dtm: DocumentTermMatrix) -> tuple[DocumentTermMatrix, tuple[str, ...]]:
    """A copy of ``dtm`` without the rows that have no tokens, and the ids of those rows.

    Parameters
    ----------
    dtm : DocumentTermMatrix
        Not modified.

    Returns
    -------
    dtm : DocumentTermMatrix
        The non-empty rows, in their original order.
    empty : tuple of str
        Ids of the rows removed.
    """
    _check_dtm(dtm)
    lengths = _row_lengths(dtm.matrix)
    keep = np.flatnonzero(lengths > 0)
    empty = tuple(dtm.doc_ids[i] for i in np.flatnonzero(lengths <= 0))
    if empty:
        logger.info("drop_empty_documents: %d of %d rows have no tokens", len(empty), len(lengths))
    if not len(keep):
        raise ValueError("dtm: every document is empty (no tokens left after vectorizing)")
    return _subset(dtm, keep), empty


def topic_matrix(
    units: pd.DataFrame,
    unit: str = "paragraph",
    min_df: int | float = 2,
    max_df: int | float = 0.5,
    max_terms: int | None = None,
    keep: Iterable[str] = (),
) -> TopicData:
    """Build the document-term matrix of a topic model from a units table.

    Units of :func:`textkit.segment.segmenter.segment_corpus` are grouped to the modelling ``unit``
    (paragraphs can be built from sentence units, documents from any units), counted with
    :func:`textkit.dtm.vectorizer.vectorize` and pruned by document frequency *among those units*;
    units left without tokens are removed and reported.

    Parameters
    ----------
    units : DataFrame
        Units table (``doc_id, para_id, sent_id, text, tokens``). Not modified.
    unit : {"paragraph", "sentence", "document"}, default "paragraph"
        What a "document" of the topic model is.
    min_df, max_df, max_terms, keep
        Pruning, as :func:`textkit.dtm.vectorizer.vectorize` (counted in modelling units).

    Returns
    -------
    TopicData

    Raises
    ------
    ValueError
        Unknown ``unit``, units coarser than ``unit`` (e.g. document units for a paragraph
        model), or pruning that empties the vocabulary (raised by ``vectorize``, naming the
        setting).
    """
    from textkit.dtm.vectorizer import vectorize

    if unit not in _UNITS:
        raise ValueError(f"unit: expected one of {_UNITS}, got {unit!r}")
    for c in ("doc_id", "para_id", "sent_id", "tokens"):
        if c not in units.columns:
            raise ValueError(f"units: missing column {c!r}")
    doc = units["doc_id"].astype(str)
    para = units["para_id"].astype("int64")
    sent = units["sent_id"].astype("int64")
    if unit == "document":
        keys = list(doc)
    elif unit == "paragraph":
        if (para < 0).any():
            raise ValueError("unit='paragraph' needs paragraph or sentence units (para_id >= 0)")
        keys = [f"{d}/{p}" for d, p in zip(doc, para, strict=True)]
    else:
        if (sent < 0).any():
            raise ValueError("unit='sentence' needs sentence units (sent_id >= 0)")
        keys = [f"{d}/{p}.{q}" for d, p, q in zip(doc, para, sent, strict=True)]
    keyed = units.copy()
    keyed["unit_key"] = keys
    full = vectorize(
        keyed, min_df=min_df, max_df=max_df, max_terms=max_terms, keep=keep, group_by="unit_key"
    )
    dtm, empty = drop_empty_documents(full)
    tokens: dict[str, list[str]] = {}
    owner: dict[str, str] = {}
    for key, d, toks in zip(keys, doc, keyed["tokens"], strict=True):
        tokens.setdefault(key, []).extend(str(t) for t in (toks if toks is not None else ()))
        owner.setdefault(key, d)
    texts = {k: tuple(tokens[k]) for k in dtm.doc_ids}
    unit_doc = pd.Series(
        [owner[k] for k in dtm.doc_ids],
        index=pd.Index(list(dtm.doc_ids), name="unit"),
        name="doc_id",
    )
    return TopicData(dtm=dtm, texts=texts, units=keyed, unit_doc=unit_doc, unit=unit, empty=empty)


# --------------------------------------------------------------------------- configs


@dataclass(frozen=True)
class LdaConfig:
    """Settings of :class:`LdaTopicModel` (see there for their meaning); validated on creation."""

    n_topics: int
    random_state: int = 0
    passes: int = 10
    iterations: int = 100
    alpha: Any = "symmetric"
    eta: Any = None
    chunksize: int = 2000
    decay: float = 0.5
    offset: float = 1.0
    gamma_threshold: float = 0.001
    multicore: bool = False
    workers: int | None = None

    def __post_init__(self) -> None:
        _check_int("n_topics", self.n_topics, 1)
        _check_int("random_state", self.random_state, 0)
        _check_int("passes", self.passes, 1)
        _check_int("iterations", self.iterations, 1)
        _check_int("chunksize", self.chunksize, 1)
        alpha = _check_prior("alpha", self.alpha, _ALPHA_STRINGS, allow_none=False)
        if isinstance(alpha, np.ndarray) and alpha.shape != (self.n_topics,):
            raise ValueError(f"alpha: an array must have shape ({self.n_topics},)")
        eta = _check_prior("eta", self.eta, _ETA_STRINGS, allow_none=True)
        object.__setattr__(self, "alpha", alpha)
        object.__setattr__(self, "eta", eta)
        if not 0.5 <= float(self.decay) <= 1.0:
            raise ValueError(f"decay: must be in [0.5, 1], got {self.decay}")
        if float(self.offset) < 1.0:
            raise ValueError(f"offset: must be >= 1, got {self.offset}")
        if not float(self.gamma_threshold) > 0:
            raise ValueError(f"gamma_threshold: must be > 0, got {self.gamma_threshold}")
        if not isinstance(self.multicore, bool):
            raise ValueError(f"multicore: expected True or False, got {self.multicore!r}")
        if self.workers is not None:
            _check_int("workers", self.workers, 1)
            if not self.multicore:
                raise ValueError("workers: only used with multicore=True")
        if self.multicore and alpha == "auto":
            raise ValueError("alpha: 'auto' is not supported with multicore=True (gensim)")

    def as_json(self) -> dict:
        """JSON-ready dict (arrays as lists)."""
        out = asdict(self)
        for k in ("alpha", "eta"):
            if isinstance(out[k], np.ndarray):
                out[k] = out[k].tolist()
        return out


_NMF_INITS = (None, "random", "nndsvd", "nndsvda", "nndsvdar")


@dataclass(frozen=True)
class NmfConfig:
    """Settings of :class:`NmfTopicModel` (see there for their meaning); validated on creation."""

    n_topics: int
    random_state: int = 0
    init: str | None = "nndsvda"
    max_iter: int = 400
    tol: float = 1e-4
    beta_loss: str = "frobenius"
    alpha_W: float = 0.0
    alpha_H: float | str = "same"
    l1_ratio: float = 0.0
    sublinear_tf: bool = True

    def __post_init__(self) -> None:
        _check_int("n_topics", self.n_topics, 1)
        _check_int("random_state", self.random_state, 0)
        _check_int("max_iter", self.max_iter, 1)
        if self.init not in _NMF_INITS:
            raise ValueError(f"init: expected one of {_NMF_INITS}, got {self.init!r}")
        if self.beta_loss not in ("frobenius", "kullback-leibler"):
            raise ValueError(
                f"beta_loss: expected 'frobenius' or 'kullback-leibler', got {self.beta_loss!r}"
            )
        if not float(self.tol) > 0:
            raise ValueError(f"tol: must be > 0, got {self.tol}")
        if float(self.alpha_W) < 0:
            raise ValueError(f"alpha_W: must be >= 0, got {self.alpha_W}")
        if self.alpha_H != "same" and float(self.alpha_H) < 0:
            raise ValueError(f"alpha_H: must be >= 0 or 'same', got {self.alpha_H}")
        if not 0.0 <= float(self.l1_ratio) <= 1.0:
            raise ValueError(f"l1_ratio: must be in [0, 1], got {self.l1_ratio}")
        if not isinstance(self.sublinear_tf, bool):
            raise ValueError(f"sublinear_tf: expected True or False, got {self.sublinear_tf!r}")

    def as_json(self) -> dict:
        """JSON-ready dict."""
        return asdict(self)


_UNITS = ("paragraph", "document", "sentence")


@dataclass(frozen=True)
class TopicConfig(StageConfig):
    """Settings of a whole topic analysis: the ``[topics]`` table of ``textkit.toml``.

    Build it with ``textkit.core.config.stage_config(TopicConfig, config, "topics")``; every field
    has a documented default and is validated on creation (a ``ValueError`` names the field).

    Attributes
    ----------
    method : {"lda", "nmf"}, default "lda"
    n_topics : int, default 8
        K of the reported model.
    random_state : int, default 0
    passes, iterations : int, default 10, 100
        LDA training effort.
    alpha : str or float, default "symmetric"
    unit : {"paragraph", "document", "sentence"}, default "paragraph"
        Unit a model is fit on (articles in the seed corpus are few and long).
    min_df, max_df : int or float, default 2, 0.5
        Document-frequency pruning of the topic matrix, counted in ``unit`` s
        (:func:`topic_matrix`).
    k_grid : tuple of int, default (3, ..., 12)
        K values for :func:`select_k`.
    select_seeds : tuple of int, default (0, 1)
        Seeds per K in :func:`select_k`.
    stability_seeds : tuple of int, default (0, 1, 2, 3, 4)
        Seeds for :func:`topic_stability` (the first is the reference).
    holdout : float, default 0.1
        Held-out share of documents in :func:`select_k`.
    top_n : int, default 10
        Top terms for coherence, exclusivity and tables.
    seeded_free_topics : int, default 6
        Free topics next to the seeded frame topics.
    seed_weight : float, default 1.0
        Seed pseudo-count as a multiple of the word's frequency.
    n_boot : int, default 1000
        Bootstrap replicates in :func:`topic_prevalence`.
    out_dir : str, default "results/topics"
        Where a notebook writes topic tables and saved models (relative to the project root).
    n_jobs : int, default 1
        Worker processes for the fits of :func:`select_k` and :func:`topic_stability`
        (``-1``: every core). Results do not depend on it.
    """

    table = "topics"

    method: str = "lda"
    n_topics: int = 8
    random_state: int = 0
    passes: int = 10
    iterations: int = 100
    alpha: str | float = "symmetric"
    unit: str = "paragraph"
    min_df: int | float = 2
    max_df: int | float = 0.5
    k_grid: tuple[int, ...] = tuple(range(3, 13))
    select_seeds: tuple[int, ...] = (0, 1)
    stability_seeds: tuple[int, ...] = (0, 1, 2, 3, 4)
    holdout: float = 0.1
    top_n: int = 10
    seeded_free_topics: int = 6
    seed_weight: float = 1.0
    n_boot: int = 1000
    out_dir: str = "results/topics"
    n_jobs: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.out_dir, str) or not self.out_dir.strip():
            raise ValueError(f"out_dir: expected a non-empty path, got {self.out_dir!r}")
        if self.method not in ("lda", "nmf"):
            raise ValueError(f"method: expected 'lda' or 'nmf', got {self.method!r}")
        if self.unit not in _UNITS:
            raise ValueError(f"unit: expected one of {_UNITS}, got {self.unit!r}")
        for name, minimum in (
            ("n_topics", 1),
            ("random_state", 0),
            ("passes", 1),
            ("iterations", 1),
            ("top_n", 2),
            ("seeded_free_topics", 0),
            ("n_boot", 1),
        ):
            _check_int(name, getattr(self, name), minimum)
        from textkit.core.executor import resolve_n_jobs
        resolve_n_jobs(self.n_jobs)  # the rule every n_jobs follows: >= 1, or -1
        _check_prior("alpha", self.alpha, _ALPHA_STRINGS, allow_none=False)
        for name, minimum in (("k_grid", 2), ("select_seeds", 0), ("stability_seeds", 0)):
            values = tuple(getattr(self, name))
            if not values:
                raise ValueError(f"{name}: must not be empty")
            for v in values:
                _check_int(name, v, minimum)
            object.__setattr__(self, name, values)
        if len(self.stability_seeds) < 2:
            raise ValueError("stability_seeds: give at least two seeds")
        if not 0.0 <= float(self.holdout) <= 0.5:
            raise ValueError(f"holdout: must be in [0, 0.5], got {self.holdout}")
        if not float(self.seed_weight) > 0:
            raise ValueError(f"seed_weight: must be > 0, got {self.seed_weight}")
        from textkit.dtm.prune import VectorizeConfig

        VectorizeConfig(min_df=self.min_df, max_df=self.max_df)  # names the bad setting

    def topic_matrix(self, units: pd.DataFrame) -> TopicData:
        """:func:`topic_matrix` of ``units`` with this config's ``unit``, ``min_df``, ``max_df``."""
        return topic_matrix(units, unit=self.unit, min_df=self.min_df, max_df=self.max_df)

    def model_kwargs(self) -> dict:
        """Model parameters shared by every fit (``passes``, ``iterations``, ``alpha`` for LDA)."""
        if self.method == "nmf":
            return {}
        return {"passes": self.passes, "iterations": self.iterations, "alpha": self.alpha}

    def make_model(self) -> Any:
        """The unfitted model of ``method`` with ``n_topics`` and ``random_state``."""
        return _make_model(self.method, self.n_topics, self.random_state, self.model_kwargs())


# --------------------------------------------------------------------------- models


class _TopicModelBase:
    """Shared fitted state and helpers; not public."""

    method = "base"

    def _set_fitted(
        self,
        dtm: DocumentTermMatrix,
        labels: Sequence[str],
        topic_term: np.ndarray,
        doc_topic: np.ndarray,
        empty: tuple[str, ...],
    ) -> None:
        vocab = list(dtm.vocabulary)
        self.topic_labels_ = tuple(labels)
        self.vocabulary_ = tuple(vocab)
        self.doc_ids_ = tuple(dtm.doc_ids)
        self.topic_term_ = pd.DataFrame(
            topic_term, index=pd.Index(labels, name="topic"), columns=pd.Index(vocab, name="term")
        )
        self.doc_topic_ = pd.DataFrame(
            doc_topic,
            index=pd.Index(list(dtm.doc_ids), name="doc_id"),
            columns=pd.Index(labels, name="topic"),
        )
        csc = dtm.matrix.tocsc()
        self.term_frequency_ = pd.Series(
            np.asarray(csc.sum(axis=0)).ravel().astype(np.int64),
            index=pd.Index(vocab, name="term"),
            name="tf",
        )
        self.doc_lengths_ = pd.Series(
            _row_lengths(dtm.matrix).astype(np.int64),
            index=pd.Index(list(dtm.doc_ids), name="doc_id"),
            name="n_tokens",
        )
        self.empty_docs_ = empty
        self.vocabulary_hash_ = _vocab_hash(vocab)

    def _check_fitted(self) -> None:
        if not hasattr(self, "topic_term_"):
            raise ValueError(f"{type(self).__name__} is not fitted yet; call fit(dtm) first")

    @property
    def n_topics_total(self) -> int:
        """Number of topics of the fitted model (seeded + free for seeded models)."""
        return len(self.topic_labels_)

    def get_params(self) -> dict:
        """Constructor parameters, as scikit-learn's ``get_params``."""
        return dict(self._params)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._params.items())
        return f"{type(self).__name__}({args})"


class LdaTopicModel(_TopicModelBase):
    """Latent Dirichlet allocation with gensim, reproducible given ``random_state``.

    Parameters
    ----------
    n_topics : int
        Number of topics K (>= 1; at most the number of non-empty documents).
    random_state : int, default 0
        Seed of gensim's random state (initial topics and the document inference start).
    passes : int, default 10
        Passes over the corpus during training.
    iterations : int, default 100
        Maximum E-step iterations per document.
    alpha : {"symmetric", "asymmetric", "auto"}, float or array of shape (K,), default "symmetric"
        Document-topic prior (gensim's ``alpha``).
    eta : {None, "symmetric", "auto"}, float or array of shape (V,) or (K, V), default None
        Topic-term prior (gensim's ``eta``; ``None`` is gensim's symmetric ``1 / K``).
    chunksize, decay, offset, gamma_threshold
        gensim's online-training settings (defaults: 2000, 0.5, 1.0, 0.001). With
        ``chunksize`` at least the number of documents each pass is one batch update.
    multicore : bool, default False
        Use :class:`gensim.models.LdaMulticore` (``workers`` processes). Faster on large
        corpora, but **not reproducible**: results depend on how work is scheduled across
        workers, even with a fixed seed. Use the default for published results.
    workers : int, optional
        Worker processes for ``multicore=True``.

    Attributes
    ----------
    model_ : gensim.models.LdaModel
        The fitted gensim model (``float64``).
    doc_topic_ : DataFrame
        Documents x topics (index ``doc_id``, columns topic labels ``T01``...), rows sum to 1
        (gensim ``minimum_probability=0``). Empty documents get the prior mean.
    topic_term_ : DataFrame
        Topics x terms, rows sum to 1.
    term_frequency_ : Series
        Corpus frequency of each term in the training matrix.
    doc_lengths_ : Series
        Tokens per training document.
    empty_docs_ : tuple of str
        Ids of training documents without tokens (reported with a ``UserWarning``).
    topic_labels_, vocabulary_, doc_ids_, vocabulary_hash_
        Labels and ids of the fitted model.

    Examples
    --------
    >>> model = LdaTopicModel(n_topics=8, random_state=1).fit(dtm)  # doctest: +SKIP
    >>> top_terms(model, n=10, by="frex")  # doctest: +SKIP
    """

    method = "lda"

    def __init__(
        self,
        n_topics: int,
        random_state: int = 0,
        passes: int = 10,
        iterations: int = 100,
        alpha: Any = "symmetric",
        eta: Any = None,
        chunksize: int = 2000,
        decay: float = 0.5,
        offset: float = 1.0,
        gamma_threshold: float = 0.001,
        multicore: bool = False,
        workers: int | None = None,
    ) -> None:
        self._params = {
            "n_topics": n_topics,
            "random_state": random_state,
            "passes": passes,
            "iterations": iterations,
            "alpha": alpha,
            "eta": eta,
            "chunksize": chunksize,
            "decay": decay,
            "offset": offset,
            "gamma_threshold": gamma_threshold,
            "multicore": multicore,
            "workers": workers,
        }
        self.config = LdaConfig(**self._params)
        for name, value in self._params.items():
            setattr(self, name, value)

    # -- hooks for the seeded subclass
    def _labels(self) -> tuple[str, ...]:
        return _topic_labels(self.config.n_topics)

    def _eta_for(self, dtm: DocumentTermMatrix) -> Any:
        eta = self.config.eta
        if isinstance(eta, np.ndarray):
            k, v = self.config.n_topics, dtm.shape[1]
            if eta.shape not in ((v,), (k, v)):
                raise ValueError(f"eta: an array must have shape ({v},) or ({k}, {v})")
        return eta

    def _prepare(self, dtm: DocumentTermMatrix) -> None:
        """Data-dependent validation, before any fitting."""
        _check_dtm(dtm)
        _check_k_vs_docs(len(self._labels()), dtm)

    def fit(self, dtm: DocumentTermMatrix) -> LdaTopicModel:
        """Fit the model to a document-term matrix.

        Parameters
        ----------
        dtm : DocumentTermMatrix
            Training documents (not modified).

        Returns
        -------
        self

        Raises
        ------
        ValueError
            Empty vocabulary, more topics than non-empty documents, or a prior of the wrong
            shape, before any work starts.
        """
        self._prepare(dtm)
        eta = self._eta_for(dtm)
        labels = self._labels()
        cfg = self.config
        matrix = _sorted_csr(dtm.matrix)
        lengths = _row_lengths(matrix)
        empty = _warn_empty(dtm.doc_ids, lengths)
        dictionary = _dictionary(dtm.vocabulary, matrix)
        corpus = _bow(matrix)
        common = {
            "corpus": corpus,
            "id2word": dictionary,
            "num_topics": len(labels),
            "chunksize": cfg.chunksize,
            "passes": cfg.passes,
            "iterations": cfg.iterations,
            "alpha": cfg.alpha,
            "eta": eta,
            "decay": cfg.decay,
            "offset": cfg.offset,
            "gamma_threshold": cfg.gamma_threshold,
            "eval_every": None,
            "minimum_probability": 0.0,
            "random_state": cfg.random_state,
            "dtype": np.float64,
        }
        if cfg.multicore:
            from gensim.models import LdaMulticore

            logger.warning("LdaMulticore: results are not reproducible across runs")
            model = LdaMulticore(workers=cfg.workers, **common)
        else:
            from gensim.models import LdaModel

            corpus_ = common.pop("corpus")
            model = LdaModel(corpus=None, update_every=1, **common)
            self._init_state(model, dtm)
            with vectorised_estep(model):
                model.update(corpus_)
        _no_lifecycle_log(model)
        self.model_ = model
        topic_term = np.asarray(model.get_topics(), dtype=np.float64)
        doc_topic = self._infer(matrix)
        self._set_fitted(dtm, labels, _normalize_rows(topic_term), doc_topic, empty)
        logger.info("fitted LDA: %d topics, %d documents, %d terms", len(labels), *dtm.shape)
        return self

    def _init_state(self, model: Any, dtm: DocumentTermMatrix) -> None:
        """Hook run after gensim's random initialisation, before training (no-op here)."""

    def _prior_mean(self) -> np.ndarray:
        alpha = np.asarray(self.model_.alpha, dtype=np.float64)
        return alpha / alpha.sum()

    def _infer(self, matrix: sp.csr_matrix) -> np.ndarray:
        """Normalised variational gamma, with the random start reset to ``random_state``.

        gensim draws the start of each document's gamma from the model's random state, so
        inference is made repeatable by resetting that state before every call.
        """
        from gensim import utils

        model = self.model_
        model.random_state = utils.get_random_state(self.config.random_state)
        gamma, _ = batched_inference(model, None, matrix=_sorted_csr(matrix))
        out = _normalize_rows(gamma)
        lengths = _row_lengths(matrix)
        out[lengths <= 0] = self._prior_mean()
        return out

    def transform(self, dtm: DocumentTermMatrix) -> pd.DataFrame:
        """Topic shares of (new) documents.

        Parameters
        ----------
        dtm : DocumentTermMatrix
            Documents to score; terms are matched by name (terms unknown to the model are
            ignored).

        Returns
        -------
        DataFrame
            Documents x topics, rows sum to 1 (empty documents get the prior mean).
        """
        self._check_fitted()
        _check_dtm(dtm)
        matrix = _align(dtm, self.vocabulary_)
        theta = self._infer(matrix)
        return pd.DataFrame(
            theta,
            index=pd.Index(list(dtm.doc_ids), name="doc_id"),
            columns=pd.Index(self.topic_labels_, name="topic"),
        )

    def log_perplexity(self, dtm: DocumentTermMatrix) -> float:
        """Per-word variational bound on held-out documents (gensim ``log_perplexity``).

        Perplexity is ``2 ** -bound``. The random start of inference is reset to
        ``random_state`` so the number is repeatable. The bound includes a prior term that
        grows with K, so it is not a fair way to compare K: use :func:`heldout_perplexity`.
        """
        from gensim import utils

        self._check_fitted()
        matrix = _align(dtm, self.vocabulary_)
        if matrix.sum() <= 0:
            raise ValueError("dtm: held-out documents contain no known tokens")
        self.model_.random_state = utils.get_random_state(self.config.random_state)
        return float(self.model_.log_perplexity(_bow(matrix)))


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
        :func:`textkit.frames.lexicon.load_lexicon` with a weight above 0 (weight-0 entries are
        generic words or blockers such as 自治区). Seeds are restricted to the vocabulary of the
        matrix at ``fit``: absent seeds are reported by name in a ``UserWarning``; a topic with
        no seed in the vocabulary raises ``ValueError``. A word seeded in two topics raises.
    seed_weight : float, default 1.0
        Pseudo-count of a seed word in its own topic, as a multiple of its corpus frequency.
    eta_base : float, default 0.01
        Prior of every other (topic, term) cell.
    random_state, passes, iterations, alpha, chunksize, decay, offset, gamma_threshold
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

    def __init__(
        self,
        n_topics: int = 5,
        seed_words: Mapping[str, Sequence[str]] | None = None,
        seed_weight: float = 1.0,
        eta_base: float = 0.01,
        random_state: int = 0,
        passes: int = 10,
        iterations: int = 100,
        alpha: Any = "symmetric",
        chunksize: int = 2000,
        decay: float = 0.5,
        offset: float = 1.0,
        gamma_threshold: float = 0.001,
    ) -> None:
        _check_int("n_topics", n_topics, 0)
        for name, v in (("seed_weight", seed_weight), ("eta_base", eta_base)):
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise ValueError(f"{name}: expected a positive number, got {v!r}")
            if not (math.isfinite(float(v)) and float(v) > 0):
                raise ValueError(f"{name}: expected a positive number, got {v}")
        seeds = _default_seed_words() if seed_words is None else _check_seed_words(seed_words)
        n_total = len(seeds) + int(n_topics)
        if isinstance(alpha, (list, tuple, np.ndarray)) and len(alpha) != n_total:
            raise ValueError(f"alpha: an array must have one value per topic ({n_total})")
        self._params = {
            "n_topics": n_topics,
            "seed_words": {k: list(v) for k, v in seeds.items()},
            "seed_weight": float(seed_weight),
            "eta_base": float(eta_base),
            "random_state": random_state,
            "passes": passes,
            "iterations": iterations,
            "alpha": alpha,
            "chunksize": chunksize,
            "decay": decay,
            "offset": offset,
            "gamma_threshold": gamma_threshold,
        }
        self.seed_words = seeds
        self.seed_weight = float(seed_weight)
        self.eta_base = float(eta_base)
        self.n_topics = n_topics
        self.random_state = random_state
        self.config = LdaConfig(
            n_topics=n_total,
            random_state=random_state,
            passes=passes,
            iterations=iterations,
            alpha=alpha,
            eta=float(eta_base),
            chunksize=chunksize,
            decay=decay,
            offset=offset,
            gamma_threshold=gamma_threshold,
        )

    def _labels(self) -> tuple[str, ...]:
        return tuple(self.seed_words) + _topic_labels(int(self.n_topics))

    def _prepare(self, dtm: DocumentTermMatrix) -> None:
        _check_dtm(dtm)
        _check_k_vs_docs(len(self._labels()), dtm, setting="n_topics + number of seeded topics")
        vocab = set(dtm.vocabulary)
        used, missing = {}, {}
        for key, words in self.seed_words.items():
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
                warnings.warn(msg, UserWarning, stacklevel=3)
                logger.warning(msg)
        self.seeds_used_ = used
        self.seeds_missing_ = missing

    def _pseudo_counts(self, dtm: DocumentTermMatrix) -> np.ndarray:
        index = {t: j for j, t in enumerate(dtm.vocabulary)}
        tf = np.asarray(dtm.matrix.sum(axis=0), dtype=np.float64).ravel()
        boost = np.zeros((len(self._labels()), dtm.shape[1]), dtype=np.float64)
        for k, key in enumerate(self.seed_words):
            cols = np.array([index[w] for w in self.seeds_used_[key]], dtype=np.int64)
            boost[k, cols] = self.seed_weight * tf[cols]
        return boost

    def _eta_for(self, dtm: DocumentTermMatrix) -> np.ndarray:
        eta = self.eta_base + self._pseudo_counts(dtm)
        self.eta_ = eta
        return eta

    def _init_state(self, model: Any, dtm: DocumentTermMatrix) -> None:
        from gensim.matutils import dirichlet_expectation

        model.state.sstats += self._pseudo_counts(dtm)
        model.expElogbeta = np.exp(dirichlet_expectation(model.state.sstats))


def _check_seed_words(seed_words: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    if not isinstance(seed_words, Mapping) or not seed_words:
        raise ValueError("seed_words: expected a non-empty mapping topic key -> seed words")
    out: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for key in seed_words:
        words = seed_words[key]
        if not isinstance(key, str) or not key:
            raise ValueError(f"seed_words: topic keys must be non-empty str, got {key!r}")
        if isinstance(words, str) or not isinstance(words, Iterable):
            raise ValueError(f"seed_words[{key!r}]: expected a list of words, not {words!r}")
        ws = tuple(sorted({str(w).strip() for w in words if str(w).strip()}))
        if not ws:
            raise ValueError(f"seed_words[{key!r}]: no seed words given")
        for w in ws:
            if w in owner:
                raise ValueError(
                    f"seed_words: {w!r} is seeded in both {owner[w]!r} and {key!r}; "
                    "a word can seed one topic only"
                )
            owner[w] = key
        out[key] = ws
    return out


def _default_seed_words() -> dict[str, tuple[str, ...]]:
    """``stability`` and ``service_law`` terms of the shipped lexicon with a weight above 0.

    Weight-0 entries are generic words (稳定, 服务) or blockers listed only so that a frame
    word inside them does not count (自治区, 民主集中制); they must not seed a frame.
    """
    from textkit.frames.lexicon import load_lexicon

    table = load_lexicon().table()
    seeds = {}
    for frame in ("stability", "service_law"):
        rows = table[(table["frame"] == frame) & (table["weight"] > 0)]
        seeds[frame] = tuple(sorted(set(rows["term"].astype(str))))
    return _check_seed_words(seeds)


class NmfTopicModel(_TopicModelBase):
    """Non-negative matrix factorisation of tf-idf weights (scikit-learn).

    The count matrix is weighted with :class:`sklearn.feature_extraction.text.TfidfTransformer`
    (l2-normalised rows, smooth idf, ``sublinear_tf`` by default) and factorised with
    :class:`sklearn.decomposition.NMF`. Topic-term and document-topic weights are normalised to
    sum to 1 per row so they read like LDA's; the raw factors are kept in ``nmf_``.

    Parameters
    ----------
    n_topics : int
        Number of topics.
    random_state : int, default 0
        Seed of NMF. With the default deterministic ``init="nndsvda"`` the seed has almost no
        effect; use ``init="random"`` to study sensitivity to the start (``topic_stability``).
    init : {"nndsvda", "nndsvd", "nndsvdar", "random", None}, default "nndsvda"
    max_iter : int, default 400
    tol : float, default 1e-4
    beta_loss : {"frobenius", "kullback-leibler"}, default "frobenius"
    alpha_W, alpha_H, l1_ratio : float
        Regularisation (scikit-learn's meaning); defaults 0, "same", 0.
    sublinear_tf : bool, default True
        Use ``1 + log(tf)`` in the tf-idf weighting.

    Attributes
    ----------
    nmf_ : sklearn.decomposition.NMF
    tfidf_ : sklearn.feature_extraction.text.TfidfTransformer
    doc_topic_, topic_term_, term_frequency_, doc_lengths_, empty_docs_
        As :class:`LdaTopicModel`; empty documents get equal shares ``1 / K``.
    """

    method = "nmf"

    def __init__(
        self,
        n_topics: int,
        random_state: int = 0,
        init: str | None = "nndsvda",
        max_iter: int = 400,
        tol: float = 1e-4,
        beta_loss: str = "frobenius",
        alpha_W: float = 0.0,
        alpha_H: float | str = "same",
        l1_ratio: float = 0.0,
        sublinear_tf: bool = True,
    ) -> None:
        self._params = {
            "n_topics": n_topics,
            "random_state": random_state,
            "init": init,
            "max_iter": max_iter,
            "tol": tol,
            "beta_loss": beta_loss,
            "alpha_W": alpha_W,
            "alpha_H": alpha_H,
            "l1_ratio": l1_ratio,
            "sublinear_tf": sublinear_tf,
        }
        self.config = NmfConfig(**self._params)
        for name, value in self._params.items():
            setattr(self, name, value)

    def fit(self, dtm: DocumentTermMatrix) -> NmfTopicModel:
        """Fit NMF to the tf-idf weights of ``dtm`` (not modified); returns self.

        Raises
        ------
        ValueError
            Empty vocabulary or more topics than non-empty documents, before any work.
        """
        from sklearn.feature_extraction.text import TfidfTransformer

        _check_dtm(dtm)
        _check_k_vs_docs(self.config.n_topics, dtm)
        cfg = self.config
        matrix = dtm.matrix.tocsr().astype(np.float64)
        lengths = _row_lengths(matrix)
        empty = _warn_empty(dtm.doc_ids, lengths)
        tfidf = TfidfTransformer(sublinear_tf=cfg.sublinear_tf)
        x = tfidf.fit_transform(matrix)
        nmf = _make_nmf(cfg)
        w = nmf.fit_transform(x)
        if nmf.n_iter_ >= cfg.max_iter:
            logger.warning("NMF stopped at max_iter=%d without converging", cfg.max_iter)
        self.nmf_ = nmf
        self.tfidf_ = tfidf
        labels = _topic_labels(cfg.n_topics)
        k = cfg.n_topics
        doc_topic = _normalize_rows(w, fill=np.full(k, 1.0 / k))
        topic_term = _normalize_rows(
            nmf.components_, fill=np.full(dtm.shape[1], 1.0 / dtm.shape[1])
        )
        self._set_fitted(dtm, labels, topic_term, doc_topic, empty)
        logger.info("fitted NMF: %d topics, %d documents, %d terms", k, *dtm.shape)
        return self

    def transform(self, dtm: DocumentTermMatrix) -> pd.DataFrame:
        """Topic shares of (new) documents; rows sum to 1 (empty documents: ``1 / K``)."""
        self._check_fitted()
        _check_dtm(dtm)
        matrix = _align(dtm, self.vocabulary_).astype(np.float64)
        w = self.nmf_.transform(self.tfidf_.transform(matrix))
        k = len(self.topic_labels_)
        return pd.DataFrame(
            _normalize_rows(w, fill=np.full(k, 1.0 / k)),
            index=pd.Index(list(dtm.doc_ids), name="doc_id"),
            columns=pd.Index(self.topic_labels_, name="topic"),
        )


def _make_nmf(cfg: NmfConfig) -> Any:
    from sklearn.decomposition import NMF

    return NMF(
        n_components=cfg.n_topics,
        init=cfg.init,
        random_state=cfg.random_state,
        max_iter=cfg.max_iter,
        tol=cfg.tol,
        beta_loss=cfg.beta_loss,
        solver="mu" if cfg.beta_loss != "frobenius" else "cd",
        alpha_W=cfg.alpha_W,
        alpha_H=cfg.alpha_H,
        l1_ratio=cfg.l1_ratio,
    )


_METHODS = {"lda": LdaTopicModel, "nmf": NmfTopicModel}


def fit_topics(
    dtm: DocumentTermMatrix, n_topics: int, method: str = "lda", **kwargs: Any
) -> LdaTopicModel | NmfTopicModel:
    """Fit a topic model in one call.

    Parameters
    ----------
    dtm : DocumentTermMatrix
    n_topics : int
    method : {"lda", "nmf"}, default "lda"
    **kwargs
        Further parameters of :class:`LdaTopicModel` or :class:`NmfTopicModel`.

    Returns
    -------
    LdaTopicModel or NmfTopicModel
        The fitted model.
    """
    if method not in _METHODS:
        raise ValueError(f"method: expected one of {sorted(_METHODS)}, got {method!r}")
    return _METHODS[method](n_topics=n_topics, **kwargs).fit(dtm)


def _make_model(method: str, n_topics: int, seed: int, kwargs: Mapping[str, Any]) -> Any:
    if method not in _METHODS:
        raise ValueError(f"method: expected one of {sorted(_METHODS)}, got {method!r}")
    return _METHODS[method](n_topics=n_topics, random_state=seed, **kwargs)


# --------------------------------------------------------------------------- description


def _scores(model: Any, by: str, lambda_: float, frex_weight: float) -> np.ndarray:
    """Topic x term score matrix for ranking terms."""
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    tiny = np.finfo(np.float64).tiny
    if by == "prob":
        return phi
    if by == "frex":
        return _frex(phi, frex_weight)
    if by == "relevance":
        tf = model.term_frequency_.to_numpy(dtype=np.float64)
        pw = tf / tf.sum()
        logphi = np.log(np.maximum(phi, tiny))
        return lambda_ * logphi + (1 - lambda_) * (logphi - np.log(np.maximum(pw, tiny)))
    raise ValueError(f"by: expected 'prob', 'frex' or 'relevance', got {by!r}")


def _exclusivity_matrix(phi: np.ndarray) -> np.ndarray:
    colsum = phi.sum(axis=0, keepdims=True)
    return np.divide(phi, colsum, out=np.zeros_like(phi), where=colsum > 0)


def _frex(phi: np.ndarray, w: float) -> np.ndarray:
    """FREX: harmonic mean of ECDF ranks of exclusivity (weight ``w``) and frequency.

    Roberts, Stewart & Airoldi (2016), as stm's ``calcfrex`` (average ranks for ties,
    without the James-Stein shrinkage of exclusivity).
    """
    excl = _exclusivity_matrix(phi)
    v = phi.shape[1]
    freq_rank = np.vstack([rankdata(row, method="average") / v for row in phi])
    excl_rank = np.vstack([rankdata(row, method="average") / v for row in excl])
    return 1.0 / (w / excl_rank + (1.0 - w) / freq_rank)


def top_terms(
    model: Any,
    n: int = 10,
    by: str = "prob",
    lambda_: float = 0.6,
    frex_weight: float = 0.5,
) -> pd.DataFrame:
    """The top terms of every topic, as a tidy table.

    Parameters
    ----------
    model : fitted LdaTopicModel, SeededLdaTopicModel or NmfTopicModel
    n : int, default 10
        Terms per topic.
    by : {"prob", "frex", "relevance"}, default "prob"
        ``prob``: topic-term probability. ``frex``: FREX (Roberts et al. 2016), the weighted
        harmonic mean of the within-topic ECDF ranks of exclusivity (``phi_kw / sum_j phi_jw``)
        and frequency (``phi_kw``); favours words both common in and specific to the topic.
        ``relevance``: LDAvis relevance (Sievert & Shirley 2014),
        ``lambda_ * log phi_kw + (1 - lambda_) * log(phi_kw / p_w)`` with ``p_w`` the term's
        corpus share.
    lambda_ : float in [0, 1], default 0.6
        Relevance weight (0.6 is Sievert & Shirley's recommendation).
    frex_weight : float in [0, 1], default 0.5
        FREX weight on exclusivity.

    Returns
    -------
    DataFrame
        ``topic, rank, term, weight, prob``: ``rank`` 1..n, ``weight`` the score used for
        ranking, ``prob`` the topic-term probability. Ties are broken by term.
    """
    _check_int("n", n, 1)
    if not 0.0 <= float(lambda_) <= 1.0:
        raise ValueError(f"lambda_: must be in [0, 1], got {lambda_}")
    if not 0.0 <= float(frex_weight) <= 1.0:
        raise ValueError(f"frex_weight: must be in [0, 1], got {frex_weight}")
    if not hasattr(model, "topic_term_"):
        raise ValueError("model: not fitted (call fit first)")
    scores = _scores(model, by, float(lambda_), float(frex_weight))
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    vocab = np.asarray(model.topic_term_.columns, dtype=object)
    term_order = np.argsort(vocab.astype(str), kind="stable")  # tie-break by term
    rows = []
    for k, label in enumerate(model.topic_term_.index):
        # ranked on values at the stated precision: near-ties (noise) fall back to the term
        s = round_sig(scores[k][term_order])
        idx = term_order[np.argsort(-s, kind="stable")[:n]]
        for r, j in enumerate(idx, start=1):
            rows.append((label, r, vocab[j], float(scores[k, j]), float(phi[k, j])))
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight", "prob"])


def _top_term_lists(model: Any, n: int, by: str = "prob") -> dict[str, list[str]]:
    tt = top_terms(model, n=n, by=by)
    return {k: list(g["term"]) for k, g in tt.groupby("topic", sort=False)}


def topic_summary(model: Any, n: int = 10) -> pd.DataFrame:
    """One row per topic: prevalence and top terms by probability and by FREX.

    Parameters
    ----------
    model : fitted topic model
    n : int, default 10
        Terms per list.

    Returns
    -------
    DataFrame
        ``topic, prevalence, top_prob, top_frex``: ``prevalence`` is the mean topic share of
        the non-empty training documents; the term lists are space separated.
    """
    if not hasattr(model, "topic_term_"):
        raise ValueError("model: not fitted (call fit first)")
    prob_terms = _top_term_lists(model, n)
    frex_terms = _top_term_lists(model, n, by="frex")
    labels = list(model.topic_labels_)
    theta = model.doc_topic_.drop(index=list(model.empty_docs_))
    return pd.DataFrame(
        {
            "topic": labels,
            "prevalence": [float(theta[t].mean()) for t in labels],
            "top_prob": [" ".join(prob_terms[t]) for t in labels],
            "top_frex": [" ".join(frex_terms[t]) for t in labels],
        }
    )


def add_unit_key(units: pd.DataFrame, column: str = "unit_key") -> pd.DataFrame:
    """Copy of a units table with a paragraph / sentence key ``"<doc_id>/<para_id>[.<sent_id>]"``.

    Use it to fit models on paragraphs: ``vectorize(add_unit_key(units), group_by="unit_key")``;
    :func:`representative_docs` then maps the keys back to documents and paragraph text.

    Parameters
    ----------
    units : DataFrame
        Units table of :func:`textkit.segment.segmenter.segment_corpus` (``doc_id``, ``para_id``,
        ``sent_id``). Not modified.
    column : str, default "unit_key"

    Returns
    -------
    DataFrame
    """
    for c in ("doc_id", "para_id", "sent_id"):
        if c not in units.columns:
            raise ValueError(f"units: missing column {c!r}")
    out = units.copy()
    keys = []
    for d, p, s in zip(out["doc_id"].astype(str), out["para_id"], out["sent_id"], strict=True):
        keys.append(f"{d}/{int(p)}" if int(s) < 0 else f"{d}/{int(p)}.{int(s)}")
    out[column] = keys
    return out


def representative_docs(
    model: Any,
    docs: pd.DataFrame,
    n: int = 3,
    units: pd.DataFrame | None = None,
    unit_column: str = "unit_key",
    excerpt_chars: int = 80,
) -> pd.DataFrame:
    """Documents (or paragraphs) with the largest share of each topic.

    Parameters
    ----------
    model : fitted topic model
    docs : DataFrame
        Documents table with ``doc_id`` and ``title`` (``text`` optional), not modified.
    n : int, default 3
        Documents per topic.
    units : DataFrame, optional
        When the model was fit on paragraph (or sentence) units keyed by ``unit_column``
        (see :func:`add_unit_key`), the units table with that column and ``text``: the
        output then shows the paragraph text and the title of its document.
    unit_column : str, default "unit_key"
    excerpt_chars : int, default 80
        Length of the text excerpt.

    Returns
    -------
    DataFrame
        ``topic, rank, doc_id, unit, share, title, excerpt`` (``unit`` is empty for
        document-level models). Empty training documents are never representative.
    """
    _check_int("n", n, 1)
    if not hasattr(model, "doc_topic_"):
        raise ValueError("model: not fitted (call fit first)")
    for c in ("doc_id", "title"):
        if c not in docs.columns:
            raise ValueError(f"docs: missing column {c!r}")
    titles = dict(zip(docs["doc_id"].astype(str), docs["title"].astype(str), strict=True))
    texts = (
        dict(zip(docs["doc_id"].astype(str), docs["text"].astype(str), strict=True))
        if "text" in docs.columns
        else {}
    )
    unit_doc: dict[str, str] = {}
    unit_text: dict[str, str] = {}
    if units is not None:
        for c in (unit_column, "doc_id", "text"):
            if c not in units.columns:
                raise ValueError(f"units: missing column {c!r}")
        for key, d, t in zip(
            units[unit_column].astype(str),
            units["doc_id"].astype(str),
            units["text"].astype(str),
            strict=True,
        ):
            unit_doc.setdefault(key, d)
            unit_text[key] = (unit_text[key] + t) if key in unit_text else t
    theta = model.doc_topic_.drop(index=list(model.empty_docs_))
    ids = np.asarray(theta.index, dtype=object)
    id_order = np.argsort(ids.astype(str), kind="stable")
    missing = 0
    rows = []
    for label in theta.columns:
        col = round_sig(theta[label].to_numpy()[id_order])  # near-ties: by document id
        top = id_order[np.argsort(-col, kind="stable")[:n]]
        for r, i in enumerate(top, start=1):
            key = str(ids[i])
            if key in unit_doc:
                doc_id, unit, text = unit_doc[key], key, unit_text[key]
            else:
                doc_id, unit, text = key, "", texts.get(key, "")
            if doc_id not in titles:
                missing += 1
            excerpt = text.replace("\n", " ")[:excerpt_chars]
            rows.append(
                (
                    label,
                    r,
                    doc_id,
                    unit,
                    float(theta.iat[i, theta.columns.get_loc(label)]),
                    titles.get(doc_id, ""),
                    excerpt,
                )
            )
    if missing:
        logger.warning("representative_docs: %d rows have no title in docs", missing)
    return pd.DataFrame(
        rows, columns=["topic", "rank", "doc_id", "unit", "share", "title", "excerpt"]
    )


# --------------------------------------------------------------------------- choosing K


def _coherence(
    topics: list[list[str]],
    measure: str,
    dictionary: Any,
    corpus: list | None,
    texts: list[list[str]] | None,
    topn: int,
) -> float:
    from gensim.models import CoherenceModel

    if measure == "u_mass":
        cm = CoherenceModel(
            topics=topics,
            corpus=corpus,
            dictionary=dictionary,
            coherence="u_mass",
            topn=topn,
            processes=1,
        )
    else:
        cm = CoherenceModel(
            topics=topics,
            texts=texts,
            dictionary=dictionary,
            coherence=measure,
            topn=topn,
            processes=1,
        )
    return float(cm.get_coherence())


def _exclusivity(model: Any, topn: int) -> float:
    """Mean over topics of the mean exclusivity ``phi_kw / sum_j phi_jw`` of the top terms."""
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    excl = _exclusivity_matrix(phi)
    vals = []
    for k in range(phi.shape[0]):
        idx = np.argsort(-round_sig(phi[k]), kind="stable")[:topn]
        vals.append(excl[k, idx].mean())
    return float(np.mean(vals))


def _subset(dtm: DocumentTermMatrix, rows: np.ndarray) -> DocumentTermMatrix:
    return DocumentTermMatrix(
        matrix=dtm.matrix.tocsr()[rows],
        doc_ids=tuple(dtm.doc_ids[i] for i in rows),
        vocabulary=dtm.vocabulary,
        pruned=dtm.pruned,
    )


def _split(n_docs: int, holdout: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n_docs)
    n_test = int(round(holdout * n_docs))
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


def _split_tokens(matrix: sp.csr_matrix, seed: int) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Split each document's tokens at random into an observed and an evaluated half."""
    rng = np.random.default_rng(seed)
    csr = matrix.tocsr()
    parts: dict[str, tuple[list, list, list]] = {"obs": ([], [], []), "ev": ([], [], [])}
    for i in range(csr.shape[0]):
        s, e = csr.indptr[i], csr.indptr[i + 1]
        toks = np.repeat(csr.indices[s:e], csr.data[s:e].astype(np.int64))
        if len(toks) < 2:
            continue
        toks = toks[rng.permutation(len(toks))]
        half = len(toks) // 2
        for name, chunk in (("obs", toks[:half]), ("ev", toks[half:])):
            cols, counts = np.unique(chunk, return_counts=True)
            parts[name][0].extend([i] * len(cols))
            parts[name][1].extend(cols.tolist())
            parts[name][2].extend(counts.tolist())
    out = []
    for name in ("obs", "ev"):
        r, c, v = parts[name]
        out.append(
            sp.csr_matrix(
                (np.asarray(v, dtype=np.int64), (np.asarray(r, dtype=np.int64), np.asarray(c))),
                shape=csr.shape,
            )
        )
    return out[0], out[1]


def heldout_perplexity(model: Any, dtm: DocumentTermMatrix, random_state: int = 0) -> float:
    """Held-out perplexity by document completion (Wallach et al. 2009).

    Each document's tokens are split at random (``numpy.random.default_rng(random_state)``)
    into two halves; topic shares are inferred from the first half and the second half is
    scored with ``p(w | d) = sum_k theta_dk phi_kw``. Perplexity is
    ``exp(-log-likelihood / tokens scored)``: lower is better, and a model that knew nothing
    would score the vocabulary size. Unlike gensim's ``log_perplexity`` (a variational bound
    whose prior term grows with K), this is comparable across K. Documents with fewer than
    two tokens are skipped.

    Parameters
    ----------
    model : fitted LdaTopicModel or SeededLdaTopicModel
    dtm : DocumentTermMatrix
        Held-out documents (terms matched to the model by name).
    random_state : int, default 0

    Returns
    -------
    float
    """
    if not isinstance(model, LdaTopicModel) or not hasattr(model, "model_"):
        raise ValueError("model: expected a fitted LdaTopicModel")
    _check_dtm(dtm)
    _check_int("random_state", random_state, 0)
    obs, ev = _split_tokens(_align(dtm, model.vocabulary_), random_state)
    if ev.sum() <= 0:
        raise ValueError("dtm: the held-out documents have too few known tokens to score")
    theta = model._infer(obs)
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    coo = ev.tocoo()
    p = np.einsum("nk,kn->n", theta[coo.row], phi[:, coo.col])
    ll = float(np.sum(coo.data * np.log(np.maximum(p, np.finfo(np.float64).tiny))))
    return float(np.exp(-ll / float(coo.data.sum())))


def select_k(
    dtm: DocumentTermMatrix,
    ks: Iterable[int],
    method: str = "lda",
    seeds: Iterable[int] = (0,),
    texts: Sequence[Sequence[str]] | Mapping[str, Sequence[str]] | None = None,
    top_n: int = 10,
    holdout: float = 0.1,
    split_seed: int = 0,
    measures: Sequence[str] = ("c_v", "c_npmi", "u_mass"),
    n_jobs: int = 1,
    cache: bool | str | os.PathLike = False,
    **model_kwargs: Any,
) -> pd.DataFrame:
    """Fit a grid of K (and seeds) and report diagnostics for choosing K (cf. stm ``searchK``).

    For each K and seed one model is fit on the training documents: a seeded random split
    (``numpy.random.default_rng(split_seed).permutation``) holds out ``holdout`` of the
    documents (the same split for every K and seed). Held-out perplexity (LDA only) is
    computed by document completion on the held-out documents (:func:`heldout_perplexity`);
    coherence uses the top ``top_n`` terms of each topic with gensim's ``CoherenceModel``
    (``processes=1``): c_v and c_npmi on ``texts`` (sliding windows over token lists),
    u_mass on the training matrix. Exclusivity is the mean over topics of the mean
    ``phi_kw / sum_j phi_jw`` of each topic's top terms (1 = terms found in one topic only,
    ``1/K`` = no exclusivity).

    Parameters
    ----------
    dtm : DocumentTermMatrix
    ks : iterable of int
        Numbers of topics to try (each >= 2 and at most the number of training documents).
    method : {"lda", "nmf"}, default "lda"
    seeds : iterable of int, default (0,)
        Model seeds; several seeds show how much diagnostics vary within a K.
    texts : mapping or Series doc_id -> tokens, or token lists, optional
        The tokenised texts behind ``dtm`` (looked up by doc id; a plain sequence must be in
        row order), for c_v and c_npmi, e.g. :attr:`TopicData.texts`. Without them these two
        columns are NaN (logged).
    top_n : int, default 10
    holdout : float in [0, 0.5], default 0.1
        Share of documents held out (0: fit on all, perplexity NaN).
    split_seed : int, default 0
    measures : sequence, default ("c_v", "c_npmi", "u_mass")
        Coherence measures to compute.
    n_jobs : int, default 1
        Fit the (k, seed) models in this many worker processes
        (:func:`textkit.core.executor.map_documents`; ``-1``: every core). Every fit is seeded,
        so the table is identical to ``n_jobs=1``.
    cache : bool or path-like, default False
        Keep each (k, seed) row in the stage cache (``True``: the project's
        ``.cache/textkit/stages``; a path: that directory), keyed by the matrix, the texts,
        every setting that affects a row (not ``n_jobs``), the library versions and
        textkit's code. A rerun fits only the (k, seed) pairs not cached yet, e.g. a K
        added to the grid; the table equals the one computed afresh. A cache that cannot
        be written is logged and the table returned all the same.
    **model_kwargs
        Further model parameters (e.g. ``passes=5``).

    Returns
    -------
    DataFrame
        One row per (k, seed): ``k, seed, c_v, c_npmi, u_mass, perplexity, exclusivity,
        n_train, n_test``, sorted by k then seed.
    """
    store = _fit_store(cache)
    _check_dtm(dtm)
    k_list = sorted({_check_int("ks", k, 2) for k in ks})
    seed_list = sorted({_check_int("seeds", s, 0) for s in seeds})
    if not k_list:
        raise ValueError("ks: give at least one number of topics")
    if not seed_list:
        raise ValueError("seeds: give at least one seed")
    if method not in _METHODS:
        raise ValueError(f"method: expected one of {sorted(_METHODS)}, got {method!r}")
    _check_int("top_n", top_n, 2)
    if not 0.0 <= float(holdout) <= 0.5:
        raise ValueError(f"holdout: must be in [0, 0.5], got {holdout}")
    allowed = ("c_v", "c_npmi", "u_mass", "c_uci")
    bad = [m for m in measures if m not in allowed]
    if bad:
        raise ValueError(f"measures: unknown coherence measure(s) {bad}; use {allowed}")
    if top_n > dtm.shape[1]:
        raise ValueError(f"top_n={top_n} exceeds the vocabulary size ({dtm.shape[1]})")
    train_rows, test_rows = _split(dtm.shape[0], float(holdout), split_seed)
    train = _subset(dtm, train_rows)
    test = _subset(dtm, test_rows) if len(test_rows) else None
    _check_k_vs_docs(k_list[-1], train, setting="ks")
    for k in k_list:  # validate model parameters before any fitting
        _make_model(method, k, seed_list[0], model_kwargs)
    token_lists: list[list[str]] | None = None
    if texts is not None:
        if isinstance(texts, (Mapping, pd.Series)):
            missing = [d for d in dtm.doc_ids if d not in texts]
            if missing:
                raise ValueError(f"texts: no tokens for {len(missing)} doc ids, e.g. {missing[0]}")
            if isinstance(texts, pd.Series) and texts.index.has_duplicates:
                raise ValueError("texts: the Series index (doc_id) has duplicates")
            token_lists = [list(map(str, texts[d])) for d in dtm.doc_ids]
        else:
            token_lists = [list(map(str, t)) for t in texts]
            if len(token_lists) != dtm.shape[0]:
                raise ValueError(
                    f"texts: {len(token_lists)} token lists for {dtm.shape[0]} documents"
                )
    elif any(m in ("c_v", "c_npmi", "c_uci") for m in measures):
        logger.info("select_k: no texts given; c_v / c_npmi are NaN")
    train_matrix = train.matrix.tocsr()
    _warn_empty(train.doc_ids, _row_lengths(train_matrix))  # once here, not once per fit
    dictionary = _dictionary(dtm.vocabulary, train_matrix)
    bow = _bow(train_matrix)
    grid = _KGrid(
        method=method,
        model_kwargs=dict(model_kwargs),
        train=train,
        test=test,
        dictionary=dictionary,
        bow=bow,
        token_lists=token_lists,
        measures=tuple(measures),
        top_n=top_n,
        split_seed=split_seed,
    )
    tasks = [(k, seed) for k in k_list for seed in seed_list]
    keys: list[dict[str, Any] | None] = [None] * len(tasks)
    if store is not None:
        common = {
            "train": _dtm_key(train),
            "test": _dtm_key(test),
            "texts": _tokens_key(token_lists),
            "method": method,
            "model": dict(model_kwargs),
            "measures": list(measures),
            "top_n": top_n,
            "split_seed": split_seed,
            "libraries": _library_versions(),
        }
        keys = [{**common, "k": k, "seed": seed} for k, seed in tasks]
    rows, n_hits = _map_cached(
        grid.row,
        tasks,
        keys,
        store,
        "select_k",
        n_jobs,
        encode=lambda row: pd.DataFrame([row]),
        decode=lambda table: table.to_dict("records")[0],
    )
    if n_hits:
        logger.info("select_k: %d of %d fits from the cache", n_hits, len(tasks))
    cols = ["k", "seed", "c_v", "c_npmi", "u_mass", "perplexity", "exclusivity"]
    cols += ["n_train", "n_test"] + (["c_uci"] if "c_uci" in measures else [])
    return (
        pd.DataFrame(rows).reindex(columns=cols).sort_values(["k", "seed"]).reset_index(drop=True)
    )


@dataclass(frozen=True)
class _KGrid:
    """What every (k, seed) fit of :func:`select_k` shares; ``row`` runs one of them.

    A module-level class, so that worker processes can receive it.
    """

    method: str
    model_kwargs: dict
    train: DocumentTermMatrix
    test: DocumentTermMatrix | None
    dictionary: Any
    bow: list
    token_lists: list[list[str]] | None
    measures: tuple[str, ...]
    top_n: int
    split_seed: int

    def row(self, task: tuple[int, int]) -> dict[str, Any]:
        """Fit the model of one (k, seed) and compute its diagnostics."""
        k, seed = task
        model = _make_model(self.method, k, seed, self.model_kwargs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # empty docs: reported once
            model.fit(self.train)
        topics = list(_top_term_lists(model, self.top_n).values())
        row: dict[str, Any] = {"k": k, "seed": seed}
        for m in ("c_v", "c_npmi", "u_mass"):
            row[m] = np.nan
        for m in self.measures:
            if m != "u_mass" and self.token_lists is None:
                continue
            row[m] = _coherence(topics, m, self.dictionary, self.bow, self.token_lists, self.top_n)
        perp = np.nan
        test = self.test
        if self.method == "lda" and test is not None and test.matrix.sum() > 0:
            perp = heldout_perplexity(model, test, random_state=self.split_seed)
        row["perplexity"] = perp
        row["exclusivity"] = _exclusivity(model, self.top_n)
        row["n_train"] = self.train.shape[0]
        row["n_test"] = 0 if test is None else test.shape[0]
        logger.info("select_k: k=%d seed=%d done", k, seed)
        return row


_K_DIRECTIONS = {"c_v": 1, "c_npmi": 1, "u_mass": 1, "perplexity": -1, "exclusivity": 1}


def k_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per-K means of the :func:`select_k` diagnostics and their ranks across K.

    Each measure is averaged over seeds; ``rank_<measure>`` ranks the K values on it (1 =
    best: highest coherence and exclusivity, lowest perplexity; ties get the average rank)
    and ``mean_rank`` averages the ranks of the measures that have values. The mean rank is
    a summary of the trade-off for the reader, not a rule: coherence and exclusivity favour
    few topics, held-out perplexity favours many.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`select_k`.

    Returns
    -------
    DataFrame
        One row per K (sorted): ``k, n_seeds``, the measure means, ``rank_*``, ``mean_rank``.
    """
    if "k" not in table.columns:
        raise ValueError("table: missing column 'k' (expected the output of select_k)")
    measures = [m for m in _K_DIRECTIONS if m in table.columns and table[m].notna().any()]
    if not measures:
        raise ValueError("table: no diagnostic column with values (c_v, perplexity, ...)")
    g = table.groupby("k", sort=True)
    out = g[measures].mean()
    out.insert(0, "n_seeds", g.size())
    ranks = []
    for m in measures:
        col = f"rank_{m}"
        out[col] = (-_K_DIRECTIONS[m] * out[m]).rank(method="average")
        ranks.append(col)
    out["mean_rank"] = out[ranks].mean(axis=1)
    return out.reset_index()


# --------------------------------------------------------------------------- stability


def _similarity(a: Any, b: Any, by: str, top_n: int) -> np.ndarray:
    """Topic x topic similarity of two fitted models (same vocabulary order not required)."""
    if by == "cosine":
        vocab = sorted(set(a.topic_term_.columns) | set(b.topic_term_.columns))
        x = a.topic_term_.reindex(columns=vocab, fill_value=0.0).to_numpy(dtype=np.float64)
        y = b.topic_term_.reindex(columns=vocab, fill_value=0.0).to_numpy(dtype=np.float64)
        x = x / np.linalg.norm(x, axis=1, keepdims=True)
        y = y / np.linalg.norm(y, axis=1, keepdims=True)
        sim = x @ y.T
    elif by == "jaccard":
        ta = [set(v) for v in _top_term_lists(a, top_n).values()]
        tb = [set(v) for v in _top_term_lists(b, top_n).values()]
        sim = np.array([[len(p & q) / len(p | q) for q in tb] for p in ta], dtype=np.float64)
    else:
        raise ValueError(f"by: expected 'cosine' or 'jaccard', got {by!r}")
    return np.clip(np.round(sim, _ROUND), 0.0, 1.0)


def match_topics(reference: Any, other: Any, by: str = "cosine", top_n: int = 10) -> pd.DataFrame:
    """Match the topics of two fitted models one-to-one (Hungarian algorithm).

    Parameters
    ----------
    reference, other : fitted topic models
    by : {"cosine", "jaccard"}, default "cosine"
        Cosine similarity of topic-term vectors (terms aligned by name) or Jaccard
        similarity of the top ``top_n`` term sets. Rounded to 12 decimals, so a model
        matched with itself scores exactly 1.
    top_n : int, default 10

    Returns
    -------
    DataFrame
        ``topic, matched_topic, similarity``, one row per reference topic (when ``other``
        has fewer topics, unmatched reference topics get an empty match and similarity 0),
        in reference topic order.
    """
    sim = _similarity(reference, other, by, top_n)
    r, c = linear_sum_assignment(-sim)
    match = dict(zip(r.tolist(), c.tolist(), strict=True))
    ref_labels = list(reference.topic_term_.index)
    oth_labels = list(other.topic_term_.index)
    rows = []
    for i, label in enumerate(ref_labels):
        j = match.get(i)
        rows.append(
            (
                label,
                oth_labels[j] if j is not None else "",
                float(sim[i, j]) if j is not None else 0.0,
            )
        )
    return pd.DataFrame(rows, columns=["topic", "matched_topic", "similarity"])


@dataclass(frozen=True)
class StabilityResult:
    """Outcome of :func:`topic_stability`.

    Attributes
    ----------
    matches : DataFrame
        ``seed, topic, matched_topic, similarity``: each reference topic's match in every
        other run.
    per_topic : DataFrame
        ``topic, stability, min_similarity, top_terms``: mean and minimum matched
        similarity of each reference topic across the other runs, with its top terms.
    summary : dict
        ``n_topics, n_runs, reference_seed, by, mean_stability, min_stability,
        share_stable`` (share of topics with stability >= ``threshold``), ``threshold``.
    config : dict
        The settings of the runs.
    """

    matches: pd.DataFrame
    per_topic: pd.DataFrame
    summary: dict
    config: dict = field(default_factory=dict)


def _check_reference(reference: Any, expected: Any, dtm: DocumentTermMatrix) -> None:
    """Raise unless ``reference`` is ``expected`` (an unfitted model) fitted on ``dtm``."""
    problem = ""
    if type(reference) is not type(expected):
        problem = f"a {type(reference).__name__}, not a {type(expected).__name__}"
    elif getattr(reference, "config", None) != expected.config:
        problem = f"settings {reference.config} differ from {expected.config}"
    elif not hasattr(reference, "topic_term_"):
        problem = "not fitted"
    elif tuple(reference.doc_ids_) != tuple(dtm.doc_ids) or reference.vocabulary_hash_ != (
        _vocab_hash(dtm.vocabulary)
    ):
        problem = "fitted on other documents or another vocabulary"
    if problem:
        raise ValueError(f"reference: {problem}; it must be the first seed's run on dtm")


def _fit_quietly(model: Any, dtm: DocumentTermMatrix) -> Any:
    """``model.fit(dtm)`` without the per-fit empty-document warning (reported once)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return model.fit(dtm)


def topic_stability(
    dtm: DocumentTermMatrix,
    n_topics: int,
    seeds: Iterable[int] = range(5),
    method: str = "lda",
    by: str = "cosine",
    top_n: int = 10,
    threshold: float = 0.8,
    n_jobs: int = 1,
    reference: Any = None,
    cache: bool | str | os.PathLike = False,
    **model_kwargs: Any,
) -> StabilityResult:
    """Refit with several seeds and measure how well topics recur (cf. stm ``selectModel``).

    The run with the first seed is the reference; every other run's topics are matched to
    it one-to-one with the Hungarian algorithm (:func:`scipy.optimize.linear_sum_assignment`)
    on cosine similarity of topic-term vectors (or Jaccard similarity of top terms). A
    topic's stability is its mean matched similarity across runs: 1 means the same topic in
    every run.

    Parameters
    ----------
    dtm : DocumentTermMatrix
    n_topics : int
    seeds : iterable of int, default range(5)
        At least two entries; the first is the reference. Repeating a seed is allowed
        (a deterministic model then matches itself with similarity 1).
    method : {"lda", "nmf"}, default "lda"
        For NMF use ``init="random"``, otherwise the seed hardly matters.
    by : {"cosine", "jaccard"}, default "cosine"
    top_n : int, default 10
        Top terms for Jaccard similarity and for the ``top_terms`` column.
    threshold : float in [0, 1], default 0.8
        Stability counted as "stable" in the summary.
    n_jobs : int, default 1
        Fit the runs in this many worker processes (``-1``: every core); the result is
        identical to ``n_jobs=1``.
    reference : fitted model, optional
        The reference run, already fitted (e.g. the model being reported): it is used
        instead of refitting the first seed. It must be the same model class with the
        first seed and the same settings, fitted on ``dtm`` (same documents and
        vocabulary); fits are deterministic, so the result equals the one without it.
    cache : bool or path-like, default False
        Keep the topic-term matrix of each run in the stage cache (``True``: the project's
        ``.cache/textkit/stages``; a path: that directory), keyed by the matrix, the model
        class and settings, the seed, the library versions and textkit's code; a rerun
        fits only the runs not cached yet. The reference run is always a fitted model
        (``reference``, or fitted here), as it is returned through its top terms.
    **model_kwargs
        Further model parameters (e.g. ``passes=5``).

    Returns
    -------
    StabilityResult
    """
    _check_dtm(dtm)
    seed_list = [_check_int("seeds", s, 0) for s in seeds]
    if len(seed_list) < 2:
        raise ValueError("seeds: give at least two seeds (the first is the reference)")
    if by not in ("cosine", "jaccard"):
        raise ValueError(f"by: expected 'cosine' or 'jaccard', got {by!r}")
    _check_int("top_n", top_n, 1)
    if not 0.0 <= float(threshold) <= 1.0:
        raise ValueError(f"threshold: must be in [0, 1], got {threshold}")
    models = [_make_model(method, n_topics, s, model_kwargs) for s in seed_list]  # validates
    _check_k_vs_docs(n_topics, dtm)
    _warn_empty(dtm.doc_ids, _row_lengths(dtm.matrix.tocsr()))  # once, not once per run
    fit = functools.partial(_fit_quietly, dtm=dtm)
    if reference is not None:
        _check_reference(reference, models[0], dtm)
    store = _fit_store(cache)
    keys: list[dict[str, Any] | None] = [None] * len(models)  # the reference is never cached
    if store is not None:
        matrix_key, libraries = _dtm_key(dtm), _library_versions()
        for i, m in enumerate(models[1:], start=1):
            keys[i] = {
                "dtm": matrix_key,
                "class": type(m).__name__,
                "config": _stamp_config(m),
                "libraries": libraries,
            }
    first = 0 if reference is None else 1
    runs, n_hits = _map_cached(
        fit, models[first:], keys[first:], store, "topic_run", n_jobs, _run_table, _stored_run
    )
    if n_hits:
        logger.info("topic_stability: %d runs from the cache", n_hits)
    fitted = runs if reference is None else [reference, *runs]
    ref = fitted[0]
    parts = []
    for s, m in zip(seed_list[1:], fitted[1:], strict=True):
        t = match_topics(ref, m, by=by, top_n=top_n)
        t.insert(0, "seed", s)
        parts.append(t)
    matches = pd.concat(parts, ignore_index=True)
    terms = _top_term_lists(ref, top_n)
    labels = list(ref.topic_labels_)
    g = matches.groupby("topic", sort=False)["similarity"]
    per_topic = pd.DataFrame(
        {
            "topic": labels,
            "stability": [float(g.get_group(t).mean()) for t in labels],
            "min_similarity": [float(g.get_group(t).min()) for t in labels],
            "top_terms": [" ".join(terms[t]) for t in labels],
        }
    )
    per_topic["stability"] = per_topic["stability"].round(_ROUND)
    summary = {
        "n_topics": int(n_topics),
        "n_runs": len(seed_list),
        "reference_seed": seed_list[0],
        "by": by,
        "mean_stability": float(round(per_topic["stability"].mean(), _ROUND)),
        "min_stability": float(per_topic["stability"].min()),
        "share_stable": float((per_topic["stability"] >= threshold).mean()),
        "threshold": float(threshold),
    }
    config = {"method": method, "seeds": seed_list, "top_n": top_n, **model_kwargs}
    return StabilityResult(matches=matches, per_topic=per_topic, summary=summary, config=config)


# --------------------------------------------------------------------------- seeded vs unseeded


def compare_models(seeded: Any, unseeded: Any, n: int = 10) -> pd.DataFrame:
    """Compare a seeded model's topics with their best match in an unseeded model.

    Each topic of ``seeded`` is matched to a topic of ``unseeded`` by cosine similarity of
    topic-term vectors (one-to-one, Hungarian algorithm). For seeded topics the table shows
    how much probability mass the seed words carry in the seeded topic and in its unseeded
    match: if the unseeded model already finds a frame topic, the two are similar; if the
    seeds carry much more mass in the seeded topic, the frame was imposed by the prior.

    Parameters
    ----------
    seeded : fitted SeededLdaTopicModel (or any fitted model)
    unseeded : fitted topic model on the same documents
    n : int, default 10
        Top terms shown.

    Returns
    -------
    DataFrame
        ``topic, seeded, top_terms, prevalence, matched_topic, similarity,
        matched_top_terms, matched_prevalence, seed_mass, matched_seed_mass``
        (``seed_mass`` columns are NaN for free topics).
    """
    for name, m in (("seeded", seeded), ("unseeded", unseeded)):
        if not hasattr(m, "topic_term_"):
            raise ValueError(f"{name}: not fitted (call fit first)")
    match = match_topics(seeded, unseeded, by="cosine")
    t_s = _top_term_lists(seeded, n)
    t_u = _top_term_lists(unseeded, n)
    seeds = getattr(seeded, "seeds_used_", {})
    prev_s = seeded.doc_topic_.mean(axis=0)
    prev_u = unseeded.doc_topic_.mean(axis=0)
    rows = []
    for topic, other, sim in match.itertuples(index=False):
        words = seeds.get(topic, [])
        if words:
            mass = float(seeded.topic_term_.loc[topic].reindex(words, fill_value=0).sum())
            mmass = (
                float(unseeded.topic_term_.loc[other].reindex(words, fill_value=0).sum())
                if other
                else np.nan
            )
        else:
            mass = mmass = np.nan
        rows.append(
            {
                "topic": topic,
                "seeded": bool(words),
                "top_terms": " ".join(t_s[topic]),
                "prevalence": float(prev_s[topic]),
                "matched_topic": other,
                "similarity": sim,
                "matched_top_terms": " ".join(t_u[other]) if other else "",
                "matched_prevalence": float(prev_u[other]) if other else np.nan,
                "seed_mass": mass,
                "matched_seed_mass": mmass,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- group effects


def _group_clusters(
    model: Any,
    groups: pd.Series,
    clusters: pd.Series | None,
    include_empty: bool,
) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], list[str]]:
    """Per group (sorted): per-cluster sums of topic shares and unit counts.

    Without ``clusters`` every model document is its own cluster.
    """
    if not hasattr(model, "doc_topic_"):
        raise ValueError("model: not fitted (call fit first)")
    if not isinstance(groups, pd.Series):
        raise ValueError("groups: expected a pandas Series indexed by doc_id")
    if groups.index.has_duplicates:
        raise ValueError("groups: the index (doc_id) has duplicates")
    theta = model.doc_topic_
    if not include_empty and model.empty_docs_:
        theta = theta.drop(index=list(model.empty_docs_))
    g = groups.copy()
    g.index = g.index.astype(str)
    g = g.dropna().astype(str)
    if clusters is None:
        cluster_of = pd.Series(list(theta.index), index=theta.index, dtype=object)
    else:
        if not isinstance(clusters, pd.Series):
            raise ValueError("clusters: expected a pandas Series (model doc id -> cluster id)")
        if clusters.index.has_duplicates:
            raise ValueError("clusters: the index (model doc id) has duplicates")
        c = clusters.copy()
        c.index = c.index.astype(str)
        missing = [d for d in theta.index if d not in c.index]
        if missing:
            raise ValueError(
                f"clusters: no cluster for {len(missing)} of the model's documents, "
                f"e.g. {missing[0]!r}"
            )
        cluster_of = c.loc[list(theta.index)].astype(str)
    keep = cluster_of.isin(g.index).to_numpy()
    if not keep.any():
        what = "cluster id of clusters" if clusters is not None else "doc_id"
        raise ValueError(f"groups: no {what} in common with the model's documents")
    if (~keep).any():
        logger.info("topic_prevalence: %d documents without a group are left out", (~keep).sum())
    x = theta.to_numpy(dtype=np.float64)[keep]
    cl = cluster_of.to_numpy()[keep]
    order = sorted(set(cl))
    pos = {k: i for i, k in enumerate(order)}
    idx = np.array([pos[k] for k in cl], dtype=np.int64)
    sums = np.zeros((len(order), x.shape[1]), dtype=np.float64)
    np.add.at(sums, idx, x)
    counts = np.bincount(idx, minlength=len(order)).astype(np.float64)
    labels = g.loc[order].to_numpy()
    out = {}
    for group in sorted(set(labels)):
        sel = labels == group
        out[group] = (sums[sel], counts[sel])
    return out, [str(t) for t in theta.columns]


def _boot_means(
    sums: np.ndarray, counts: np.ndarray, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Bootstrap replicates (n_boot x K) of the mean share, resampling clusters."""
    idx = rng.integers(0, len(counts), size=(n_boot, len(counts)))
    return sums[idx].sum(axis=1) / counts[idx].sum(axis=1)[:, None]


def topic_prevalence(
    model: Any,
    groups: pd.Series,
    n_boot: int = 1000,
    random_state: int = 0,
    ci: float = 0.95,
    include_empty: bool = False,
    clusters: pd.Series | None = None,
) -> pd.DataFrame:
    """Mean topic share per group with percentile bootstrap confidence intervals.

    The estimate is the mean topic share of the model's documents in a group. Documents
    are resampled with replacement within each group (``n_boot`` times,
    ``numpy.random.default_rng(random_state)``, groups in sorted order), so the interval
    reflects which documents happen to be in the corpus. When the model was fit on
    paragraphs, pass ``clusters`` (paragraph -> article): whole articles are then resampled
    (a cluster bootstrap), because paragraphs of one article are not independent
    observations, and ``groups`` labels articles. This describes differences; it does not
    adjust for other covariates (stm's ``estimateEffect`` regression does).

    Parameters
    ----------
    model : fitted topic model
    groups : Series
        Group label per document, indexed by ``doc_id`` (e.g. ``docs.set_index("doc_id")
        ["era"]``), or per cluster when ``clusters`` is given. Documents without a label
        (missing or NaN) are left out (logged).
    n_boot : int, default 1000
    random_state : int, default 0
    ci : float in (0, 1), default 0.95
    include_empty : bool, default False
        Keep documents without tokens (whose shares are only the prior).
    clusters : Series, optional
        Model document id -> cluster id (e.g. :attr:`TopicData.unit_doc`, paragraph ->
        article). Every model document needs a cluster.

    Returns
    -------
    DataFrame
        ``group, topic, mean, lo, hi, n_docs, n_units`` sorted by group then topic order;
        ``n_docs`` counts the resampled units (articles when ``clusters`` is given),
        ``n_units`` the model documents averaged.
    """
    _check_int("n_boot", n_boot, 1)
    _check_int("random_state", random_state, 0)
    if not 0.0 < float(ci) < 1.0:
        raise ValueError(f"ci: must be in (0, 1), got {ci}")
    parts, topics = _group_clusters(model, groups, clusters, include_empty)
    rng = np.random.default_rng(random_state)
    a = (1.0 - float(ci)) / 2.0
    rows = []
    for group, (sums, counts) in parts.items():
        boots = _boot_means(sums, counts, n_boot, rng)
        lo = np.quantile(boots, a, axis=0)
        hi = np.quantile(boots, 1 - a, axis=0)
        mean = sums.sum(axis=0) / counts.sum()
        for k, topic in enumerate(topics):
            rows.append(
                (group, topic, float(mean[k]), float(lo[k]), float(hi[k]), len(counts),
                 int(counts.sum()))
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["group", "topic", "mean", "lo", "hi", "n_docs", "n_units"])


def prevalence_contrast(
    model: Any,
    groups: pd.Series,
    a: str,
    b: str,
    n_boot: int = 1000,
    random_state: int = 0,
    ci: float = 0.95,
    clusters: pd.Series | None = None,
) -> pd.DataFrame:
    """Difference in mean topic share between two groups, with a bootstrap interval.

    Documents (or, with ``clusters``, whole clusters such as articles) are resampled with
    replacement within each group independently (``numpy.random.default_rng(random_state)``);
    the interval is the percentile interval of the resampled differences
    ``mean_a - mean_b``. Empty documents are left out.

    Parameters
    ----------
    model : fitted topic model
    groups : Series
        Group label per document (or per cluster), indexed by ``doc_id``.
    a, b : str
        The two groups compared (``a - b``).
    n_boot, random_state, ci, clusters
        As :func:`topic_prevalence`.

    Returns
    -------
    DataFrame
        ``topic, mean_a, mean_b, diff, lo, hi, n_a, n_b`` in topic order (``n_a``, ``n_b``
        count resampled units); ``lo > 0`` or ``hi < 0`` marks a difference that the
        resampling does not explain away.
    """
    _check_int("n_boot", n_boot, 1)
    _check_int("random_state", random_state, 0)
    if not 0.0 < float(ci) < 1.0:
        raise ValueError(f"ci: must be in (0, 1), got {ci}")
    if str(a) == str(b):
        raise ValueError("a, b: give two different groups")
    parts, topics = _group_clusters(model, groups, clusters, include_empty=False)
    for name, grp in (("a", a), ("b", b)):
        if str(grp) not in parts:
            raise ValueError(f"{name}: group {grp!r} not found; groups are {sorted(parts)}")
    rng = np.random.default_rng(random_state)
    boots, means, ns = [], [], []
    for grp in (str(a), str(b)):
        sums, counts = parts[grp]
        boots.append(_boot_means(sums, counts, n_boot, rng))
        means.append(sums.sum(axis=0) / counts.sum())
        ns.append(len(counts))
    diff = boots[0] - boots[1]
    q = (1.0 - float(ci)) / 2.0
    return pd.DataFrame(
        {
            "topic": topics,
            "mean_a": means[0],
            "mean_b": means[1],
            "diff": means[0] - means[1],
            "lo": np.quantile(diff, q, axis=0),
            "hi": np.quantile(diff, 1 - q, axis=0),
            "n_a": ns[0],
            "n_b": ns[1],
        }
    )


# --------------------------------------------------------------------------- exports


def save_topic_tables(
    model: Any, out_dir: str | Path, n: int = 20, prefix: str = "topics"
) -> list[Path]:
    """Write the topic tables as CSV and Parquet (via :mod:`textkit.core.io`).

    Files (``<prefix>_<table>.csv`` / ``.parquet``): ``top_terms`` (tidy, ``by`` in prob /
    frex / relevance, ``n`` per topic), ``doc_topic`` (one row per document, columns
    ``doc_id`` and one per topic), ``topic_term`` (long table ``topic, term, prob`` for
    every term with probability above 0), ``summary`` (topic, prevalence, top terms).

    Parameters
    ----------
    model : fitted topic model
    out_dir : path-like
    n : int, default 20
    prefix : str, default "topics"

    Returns
    -------
    list of Path
        Files written, sorted.
    """
    if not hasattr(model, "topic_term_"):
        raise ValueError("model: not fitted (call fit first)")
    out = Path(out_dir)
    tables: dict[str, pd.DataFrame] = {}
    parts = []
    for by in ("prob", "frex", "relevance"):
        t = top_terms(model, n=n, by=by)
        t.insert(1, "by", by)
        parts.append(t)
    tables["top_terms"] = pd.concat(parts, ignore_index=True)
    dt = model.doc_topic_.reset_index()
    dt.columns = [str(c) for c in dt.columns]
    tables["doc_topic"] = dt
    tt = model.topic_term_.stack().rename("prob").reset_index()
    tables["topic_term"] = tt[tt["prob"] > 0].reset_index(drop=True)
    tables["summary"] = topic_summary(model, 10)
    written = []
    for name in sorted(tables):
        written.append(write_csv(out / f"{prefix}_{name}.csv", tables[name]))
        written.append(write_parquet(out / f"{prefix}_{name}.parquet", tables[name]))
    return sorted(written)


def _stamp_config(model: Any) -> dict:
    params = {}
    for k, v in model.get_params().items():
        params[k] = v.tolist() if isinstance(v, np.ndarray) else v
    return params


def _library_versions() -> dict[str, str]:
    import gensim
    import scipy
    import sklearn

    return {
        "gensim": gensim.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "scikit-learn": sklearn.__version__,
    }


def save_model(
    model: Any, path: str | Path, provenance: Mapping[str, Any] | None = None
) -> list[Path]:
    """Save a fitted model to a directory, with a JSON stamp checked on loading.

    LDA models are saved in gensim's own format (``LdaModel.save``, which pickles the
    model object and writes arrays as ``.npy``; gensim's wall-clock lifecycle log is
    switched off and the pickle does not depend on ``PYTHONHASHSEED``, so the same model
    gives the same bytes in any process); NMF models as plain ``.npy`` arrays (no pickle). Both directories also hold ``doc_topic.parquet`` and
    ``term_frequency.parquet`` (the fitted tables) and ``textkit_topic_model.json``: textkit
    and library versions, model class, config, vocabulary hash, the run's provenance and
    the sha256 of every file. Files are written atomically through :mod:`textkit.core.io`.

    Parameters
    ----------
    model : fitted LdaTopicModel, SeededLdaTopicModel or NmfTopicModel
    path : path-like
        Directory (created if needed).
    provenance : mapping, optional
        Recorded in the stamp as is, e.g. ``tk.provenance(cfg).as_dict()`` (corpus and
        config hashes) so a saved model can be traced to the run that made it.

    Returns
    -------
    list of Path
        Files written (the stamp last).
    """
    if not hasattr(model, "topic_term_"):
        raise ValueError("model: not fitted (call fit first)")
    if getattr(model.config, "multicore", False):
        logger.warning("save_model: LdaMulticore models are saved, but not reproducible")
    out = Path(path)
    written: list[Path] = []
    files: dict[str, str] = {}

    def put(name: str, data: bytes) -> None:
        p = write_bytes(out / name, data)
        written.append(p)
        files[name] = sha256_bytes(data)

    if isinstance(model, LdaTopicModel):
        _no_lifecycle_log(model.model_)
        with tempfile.TemporaryDirectory(prefix="textkit-lda-") as tmp:
            # ignore=() keeps gensim's fixed list of ignored attributes; its default
            # ('state', 'dispatcher') is merged through a set, whose order (and so the
            # pickled bytes) depends on PYTHONHASHSEED
            model.model_.save(str(Path(tmp) / "model.gensim"), ignore=())
            for f in sorted(Path(tmp).iterdir()):
                put(f.name, f.read_bytes())
    elif isinstance(model, NmfTopicModel):
        import io

        arrays = {
            "nmf_components.npy": model.nmf_.components_,
            "tfidf_idf.npy": np.asarray(model.tfidf_.idf_, dtype=np.float64),
        }
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.save(buf, np.asarray(arr, dtype=np.float64), allow_pickle=False)
            put(name, buf.getvalue())
    else:
        raise ValueError(f"model: cannot save a {type(model).__name__}")
    for name, table in (
        ("doc_topic.parquet", model.doc_topic_.reset_index()),
        ("term_frequency.parquet", model.term_frequency_.reset_index()),
    ):
        p = write_parquet(out / name, table)
        written.append(p)
        files[name] = sha256_file(p)
    stamp = {
        "textkit_version": __version__,
        "library_versions": _library_versions(),
        "provenance": {str(k): v for k, v in sorted(dict(provenance or {}).items())},
        "class": type(model).__name__,
        "config": _stamp_config(model),
        "topic_labels": list(model.topic_labels_),
        "vocabulary_hash": model.vocabulary_hash_,
        "n_terms": len(model.vocabulary_),
        "empty_docs": list(model.empty_docs_),
        "seeds_used": getattr(model, "seeds_used_", {}),
        "files": dict(sorted(files.items())),
    }
    written.append(write_json(out / _STAMP, stamp))
    return written


def load_model(path: str | Path) -> Any:
    """Load a model saved by :func:`save_model`, checking its stamp first.

    **Security:** gensim's loader uses :mod:`pickle`, which can run code. Only load
    directories you created yourself; textkit never loads a model from a path you did not
    pass explicitly. Before anything is unpickled the stamp is read and every file's sha256
    is checked against it, so a directory altered after saving is refused (this guards
    against accidents, not against someone who rewrites the stamp too).

    Parameters
    ----------
    path : path-like
        Directory written by :func:`save_model`.

    Returns
    -------
    LdaTopicModel, SeededLdaTopicModel or NmfTopicModel
        Fitted, with ``doc_topic_``, ``topic_term_`` and ``term_frequency_`` restored.

    Raises
    ------
    ValueError
        Missing or mismatching stamp, changed files, or a different textkit version.
    """
    import json

    root = Path(path)
    stamp_path = root / _STAMP
    if not stamp_path.is_file():
        raise ValueError(f"path: {root} has no {_STAMP}; not a textkit topic model directory")
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    if stamp.get("textkit_version") != __version__:
        raise ValueError(
            f"{stamp_path}: saved with textkit {stamp.get('textkit_version')}, "
            f"this is {__version__}; refit the model"
        )
    for name, digest in sorted(stamp.get("files", {}).items()):
        f = root / name
        if not f.is_file() or sha256_file(f) != digest:
            raise ValueError(f"{f}: missing or changed since it was saved (sha256 mismatch)")
    saved = stamp.get("library_versions", {})
    for lib, version in sorted(_library_versions().items()):
        if lib in saved and saved[lib] != version:
            msg = (
                f"{stamp_path}: saved with {lib} {saved[lib]}, this is {version}; "
                "results may differ (refit to be sure)"
            )
            warnings.warn(msg, UserWarning, stacklevel=2)
            logger.warning(msg)
    cls = {c.__name__: c for c in (LdaTopicModel, SeededLdaTopicModel, NmfTopicModel)}.get(
        stamp.get("class")
    )
    if cls is None:
        raise ValueError(f"{stamp_path}: unknown model class {stamp.get('class')!r}")
    params = dict(stamp["config"])
    model = cls(**params)
    doc_topic = pd.read_parquet(root / "doc_topic.parquet").set_index("doc_id")
    tf = pd.read_parquet(root / "term_frequency.parquet").set_index("term")["tf"]
    vocab = [str(t) for t in tf.index]
    if _vocab_hash(vocab) != stamp["vocabulary_hash"]:
        raise ValueError(f"{stamp_path}: vocabulary hash does not match the saved vocabulary")
    labels = list(stamp["topic_labels"])
    if cls is NmfTopicModel:
        from sklearn.feature_extraction.text import TfidfTransformer

        h = np.load(root / "nmf_components.npy", allow_pickle=False)
        idf = np.load(root / "tfidf_idf.npy", allow_pickle=False)
        cfg = model.config
        nmf = _make_nmf(cfg)
        nmf.components_ = h
        nmf.n_components_ = h.shape[0]
        nmf.n_features_in_ = h.shape[1]
        nmf._n_components = h.shape[0]
        nmf.n_iter_ = 0
        nmf.reconstruction_err_ = np.nan
        tfidf = TfidfTransformer(sublinear_tf=cfg.sublinear_tf)
        tfidf.idf_ = idf
        tfidf.n_features_in_ = len(idf)
        model.nmf_, model.tfidf_ = nmf, tfidf
        topic_term = _normalize_rows(h)
    else:
        from gensim.models import LdaModel

        lda = LdaModel.load(str(root / "model.gensim"))
        if [lda.id2word[j] for j in range(len(vocab))] != vocab:
            raise ValueError(f"{root}: the gensim dictionary does not match the stamp")
        _no_lifecycle_log(lda)
        model.model_ = lda
        topic_term = _normalize_rows(np.asarray(lda.get_topics(), dtype=np.float64))
        if isinstance(model, SeededLdaTopicModel):
            model.seeds_used_ = {k: list(v) for k, v in stamp.get("seeds_used", {}).items()}
            model.seeds_missing_ = {}
            model.eta_ = np.asarray(lda.eta, dtype=np.float64)
    empty = tuple(stamp.get("empty_docs", []))
    model.topic_labels_ = tuple(labels)
    model.vocabulary_ = tuple(vocab)
    model.doc_ids_ = tuple(str(d) for d in doc_topic.index)
    model.topic_term_ = pd.DataFrame(
        topic_term, index=pd.Index(labels, name="topic"), columns=pd.Index(vocab, name="term")
    )
    doc_topic.columns = pd.Index([str(c) for c in doc_topic.columns], name="topic")
    doc_topic.index = pd.Index([str(d) for d in doc_topic.index], name="doc_id")
    model.doc_topic_ = doc_topic
    model.term_frequency_ = tf.astype(np.int64).rename_axis("term").rename("tf")
    model.doc_lengths_ = pd.Series(dtype=np.int64, name="n_tokens")
    model.empty_docs_ = empty
    model.vocabulary_hash_ = stamp["vocabulary_hash"]
    return model


def save_ldavis_html(model: Any, path: str | Path, dtm: DocumentTermMatrix) -> Path:
    """Write an interactive pyLDAvis page, if the optional ``pyLDAvis`` package is installed.

    Parameters
    ----------
    model : fitted topic model
    path : path-like
        HTML file to write.
    dtm : DocumentTermMatrix
        The training matrix (document lengths and term frequencies).

    Returns
    -------
    Path

    Raises
    ------
    ImportError
        When pyLDAvis is not installed (it is not a textkit dependency).

    Notes
    -----
    The page is an interactive view for exploring, not an archival output: pyLDAvis puts a
    random element id into the HTML, so two runs do not give byte-identical files.
    """
    try:
        import pyLDAvis
    except ImportError as exc:
        raise ImportError("save_ldavis_html needs the optional package pyLDAvis") from exc
    if not hasattr(model, "topic_term_"):
        raise ValueError("model: not fitted (call fit first)")
    matrix = _align(dtm, model.vocabulary_)
    data = pyLDAvis.prepare(
        topic_term_dists=model.topic_term_.to_numpy(),
        doc_topic_dists=model.transform(dtm).to_numpy(),
        doc_lengths=_row_lengths(matrix),
        vocab=list(model.vocabulary_),
        term_frequency=np.asarray(matrix.sum(axis=0)).ravel(),
        sort_topics=False,
        start_index=1,
        n_jobs=1,
    )
    return write_text(path, pyLDAvis.prepared_data_to_html(data))
