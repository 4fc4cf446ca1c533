"""Latent Semantic Scaling (LSS) of the stability vs service / rule-of-law frames.

LSS (Watanabe 2021, *Communication Methods and Measures* 15(2)) is a semi-supervised scaling
method: word vectors are trained on the corpus, a small set of seed words defines two poles,
every term gets a polarity (its cosine similarity to the seeds, positive minus negative pole),
and a document's score is the mean polarity of its tokens. Unlike a dictionary it scores
words that are *not* in the lexicon but are used like lexicon words.

This implementation trains gensim ``Word2Vec`` (skip-gram) on sentence token lists (from
``segment_corpus(docs, unit="sentence")``). Default seeds come from the frame lexicon:
``service_law`` terms are the positive pole, ``stability`` terms the negative pole.

What LSS can and cannot show on the seed corpus: 36 articles (~120k characters, a few tens of
thousands of tokens) are far below the millions of tokens LSS is designed for. Word vectors
trained on it are noisy and dominated by co-occurrence within the same few pages, so term
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
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse, stats

logger = logging.getLogger(__name__)


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


@dataclasses.dataclass(frozen=True)
class LSSConfig:
    """Options of :class:`LatentSemanticScaling` (see there); the ``[lss]`` table.

    ``positive`` / ``negative`` are the seed words of the service / rule-of-law and the
    stability pole; both empty (the default) means every lexicon term of its frame.
    """

    vector_size: int = 100
    window: int = 5
    min_count: int = 2
    epochs: int = 20
    seed: int = 0
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("vector_size", "window", "min_count", "epochs"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{name}: expected a positive integer, got {v!r}")
        if not isinstance(self.seed, int) or isinstance(self.seed, bool):
            raise ValueError(f"seed: expected an integer, got {self.seed!r}")
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


def _default_seeds() -> dict[str, int]:
    from .lexicon import load_lexicon

    lex = load_lexicon()
    seeds = {t: 1 for t in lex.terms("service_law")}
    seeds.update({t: -1 for t in lex.terms("stability")})
    return seeds


def _check_tokens(token_lists: Any, name: str) -> list[list[str]]:
    if isinstance(token_lists, (str, bytes)):
        raise TypeError(f"{name}: expected a sequence of token lists, got a string")
    out = []
    for i, toks in enumerate(token_lists):
        if isinstance(toks, str):
            raise TypeError(f"{name}[{i}]: expected a list of tokens, got a string")
        out.append([str(t) for t in toks])
    return out


class LatentSemanticScaling:
    """Latent Semantic Scaling estimator (scikit-learn style).

    Parameters
    ----------
    seeds : mapping str -> {+1, -1} or (positive, negative) pair of sequences, optional
        Seed words. Default: frame lexicon terms, ``service_law`` = +1, ``stability`` = -1.
        Seeds absent from the model vocabulary are dropped with a warning naming them; a pole
        without any seed in the vocabulary raises ``ValueError``.
    vector_size, window, min_count, epochs : int
        gensim ``Word2Vec`` settings (skip-gram, ``workers=1``).
    seed : int, default 0
        Random seed of Word2Vec; with ``workers=1`` and a deterministic ``hashfxn`` the
        vectors are identical across runs and PYTHONHASHSEED values.

    Attributes
    ----------
    model_ : gensim.models.Word2Vec
    seeds_ : dict str -> int
        Seeds used (present in the vocabulary), sorted.
    term_polarity_ : DataFrame
        ``term``, ``polarity`` (standardised, mean 0 / sd 1 over the vocabulary; positive =
        service / rule of law), ``raw``, ``freq``; sorted by polarity descending.
    """

    def __init__(
        self,
        seeds: Any = None,
        vector_size: int = 100,
        window: int = 5,
        min_count: int = 2,
        epochs: int = 20,
        seed: int = 0,
    ) -> None:
        self.seeds = seeds
        self.vector_size = vector_size
        self.window = window
        self.min_count = min_count
        self.epochs = epochs
        self.seed = seed

    @classmethod
    def from_config(cls, project: Any = None, **overrides: Any) -> LatentSemanticScaling:
        """An unfitted model with the settings of the ``[lss]`` table of ``textkit.toml``.

        Parameters
        ----------
        project : textkit.config.ProjectConfig, optional
            Parsed ``textkit.toml`` (``None``: the defaults).
        **overrides
            :class:`LSSConfig` fields that win over the file.

        Returns
        -------
        LatentSemanticScaling

        Raises
        ------
        textkit.config.ConfigError
            Unknown or invalid setting (file, table and key named).
        """
        from .config import stage_config

        cfg = stage_config(LSSConfig, project, "lss", **overrides)
        return cls(
            seeds=cfg.seeds,
            vector_size=cfg.vector_size,
            window=cfg.window,
            min_count=cfg.min_count,
            epochs=cfg.epochs,
            seed=cfg.seed,
        )

    # -- helpers --------------------------------------------------------------------------
    def _config(self) -> LSSConfig:
        return LSSConfig(self.vector_size, self.window, self.min_count, self.epochs, self.seed)

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
                if v not in (1, -1):
                    raise ValueError(f"seeds: weight of {t!r} must be +1 or -1, got {v!r}")
                out[str(t)] = int(v)
            return out
        raise ValueError("seeds: expected a dict term -> +1/-1 or a (positive, negative) pair")

    def _raw_polarity(self, seeds: dict[str, int]) -> np.ndarray:
        """Unstandardised polarity of every vocabulary term (model vocabulary order)."""
        kv = self.model_.wv
        vecs = kv.get_normed_vectors()
        raw = np.zeros(len(kv.index_to_key))
        for pole in (1, -1):
            terms = sorted(t for t, v in seeds.items() if v == pole)
            # LSS weights each seed by 1 / (number of seeds of its pole)
            sims = vecs @ vecs[[kv.key_to_index[t] for t in terms]].T
            raw += pole * sims.mean(axis=1)
        return raw

    @staticmethod
    def _standardise(raw: np.ndarray) -> np.ndarray:
        sd = raw.std()
        return (raw - raw.mean()) / sd if sd > 0 else raw - raw.mean()

    def _polarity(self, seeds: dict[str, int]) -> pd.DataFrame:
        kv = self.model_.wv
        vocab = list(kv.index_to_key)
        raw = self._raw_polarity(seeds)
        freq = [kv.get_vecattr(t, "count") for t in vocab]
        df = pd.DataFrame(
            {"term": vocab, "polarity": self._standardise(raw), "raw": raw, "freq": freq}
        )
        return df.sort_values(["polarity", "term"], ascending=[False, True], kind="mergesort")

    # -- API --------------------------------------------------------------------------------
    def fit(self, token_lists: Iterable[Sequence[str]]) -> LatentSemanticScaling:
        """Train word vectors and compute term polarities.

        Parameters
        ----------
        token_lists : iterable of list of str
            Training sentences (e.g. ``segment_corpus(docs, unit="sentence")["tokens"]``).

        Returns
        -------
        self
        """
        from gensim.models import Word2Vec

        cfg = self._config()
        seeds = self._seed_dict()
        sents = [t for t in _check_tokens(token_lists, "token_lists") if t]
        if not sents:
            raise ValueError("token_lists: no non-empty token list to train on")
        self.model_ = Word2Vec(
            sentences=sents,
            vector_size=cfg.vector_size,
            window=cfg.window,
            min_count=cfg.min_count,
            epochs=cfg.epochs,
            seed=cfg.seed,
            workers=1,
            sg=1,
            hashfxn=stable_hash,
        )
        vocab = self.model_.wv.key_to_index
        absent = sorted(t for t in seeds if t not in vocab)
        if absent:
            msg = f"{len(absent)} seed word(s) not in the model vocabulary, dropped: {absent}"
            warnings.warn(msg, UserWarning, stacklevel=2)
            logger.warning(msg)
        used = {t: seeds[t] for t in sorted(seeds) if t in vocab}
        for pole, name in ((1, "positive (service_law)"), (-1, "negative (stability)")):
            if not any(v == pole for v in used.values()):
                raise ValueError(
                    f"seeds: no {name} seed word occurs in the model vocabulary "
                    f"(min_count={cfg.min_count}); absent: "
                    f"{sorted(t for t, v in seeds.items() if v == pole)}"
                )
        self.seeds_ = used
        self.term_polarity_ = self._polarity(used).reset_index(drop=True)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "term_polarity_"):
            raise RuntimeError("LatentSemanticScaling is not fitted; call fit() first")

    def _doc_matrix(self, docs: list[list[str]]) -> sparse.csr_matrix:
        """Documents x vocabulary count matrix (model vocabulary order; unknown tokens dropped)."""
        index = self.model_.wv.key_to_index
        rows, cols = [], []
        for i, toks in enumerate(docs):
            for t in toks:
                j = index.get(t)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        data = np.ones(len(rows), dtype=float)
        shape = (len(docs), len(index))
        return sparse.csr_matrix((data, (rows, cols)), shape=shape)

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
        return pol.reindex(self.model_.wv.index_to_key).to_numpy()

    def transform(self, token_lists: Iterable[Sequence[str]]) -> np.ndarray:
        """Score documents.

        A document's score is the mean polarity of its tokens that are in the model
        vocabulary (each occurrence counts), standardised over the documents passed (mean 0,
        sd 1). Documents with no known token get NaN.

        Parameters
        ----------
        token_lists : iterable of list of str
            One token list per document.

        Returns
        -------
        numpy.ndarray
            Scores; positive = service / rule of law, negative = stability.
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
            ascending (most influential seed first), then seed.
        """
        self._check_fitted()
        docs = None if token_lists is None else _check_tokens(token_lists, "token_lists")
        counts = None if docs is None else self._doc_matrix(docs)
        full = self._vocab_polarity()
        base = full if counts is None else self._score(counts, full)
        rows = []
        for term in sorted(self.seeds_):
            rest = {t: v for t, v in self.seeds_.items() if t != term}
            if not any(v == self.seeds_[term] for v in rest.values()):
                rows.append((term, self.seeds_[term], np.nan))
                continue
            pol = self._standardise(self._raw_polarity(rest))
            alt = pol if counts is None else self._score(counts, pol)
            ok = ~(np.isnan(base) | np.isnan(alt))
            r = float(np.corrcoef(base[ok], alt[ok])[0, 1]) if ok.sum() > 2 else np.nan
            rows.append((term, self.seeds_[term], float(np.clip(r, -1.0, 1.0))))
        out = pd.DataFrame(rows, columns=["seed", "pole", "correlation"])
        return out.sort_values(["correlation", "seed"], kind="mergesort").reset_index(drop=True)


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
        Output of ``textkit.frames.score_frames`` (same documents, same order).
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
