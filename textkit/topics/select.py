"""Choosing K: a grid of fits with coherence, held-out perplexity and exclusivity.

:func:`select_k` fits a grid of K (and seeds) and reports coherence (c_v, c_npmi, u_mass via
gensim's ``CoherenceModel``), held-out perplexity (:func:`heldout_perplexity`, by document
completion) and exclusivity, like stm's ``searchK``; :func:`k_summary` condenses the grid to
per-K means and ranks, and :func:`best_k` to the K each measure favours.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from textkit.core.checks import check_choice, check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.core.executor import resolve_n_jobs
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._cache import _dtm_key, _fit_store, _map_cached, _tokens_key
from textkit.topics._common import (
    _align,
    _bow,
    _check_dtm,
    _check_k_vs_docs,
    _dictionary,
    _library_versions,
    _require_fitted,
    _row_lengths,
    _subset,
    _warn_empty,
)
from textkit.topics.describe import _exclusivity, _top_term_lists
from textkit.topics.fit import METHODS, checked_model, make_model
from textkit.topics.lda import LdaTopicModel
from textkit.topics.windows import coherence_score

__all__ = ["select_k", "k_summary", "heldout_perplexity", "feasible_ks"]

logger = logging.getLogger(__name__)

_MEASURES = ("c_v", "c_npmi", "u_mass", "c_uci")


def _coherence(
    topics: list[list[str]],
    measure: str,
    dictionary: Any,
    corpus: list | None,
    texts: list[list[str]] | None,
    topn: int,
    n_jobs: int = 1,
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
    return coherence_score(cm, n_jobs=n_jobs)


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
    if not isinstance(model, LdaTopicModel):
        raise InvalidParameterError(
            f"model: expected a fitted LdaTopicModel, got {type(model).__name__}"
        )
    _require_fitted(model, attribute="model_")
    _check_dtm(dtm)
    check_int("random_state", random_state, 0)
    obs, ev = _split_tokens(_align(dtm, model.vocabulary_), random_state)
    if ev.sum() <= 0:
        raise ValueError("dtm: the held-out documents have too few known tokens to score")
    theta = model._infer(obs)
    phi = model.topic_term_.to_numpy(dtype=np.float64)
    coo = ev.tocoo()
    p = np.einsum("nk,kn->n", theta[coo.row], phi[:, coo.col])
    ll = float(np.sum(coo.data * np.log(np.maximum(p, np.finfo(np.float64).tiny))))
    return float(np.exp(-ll / float(coo.data.sum())))


def feasible_ks(
    ks: Iterable[int], dtm: DocumentTermMatrix, holdout: float = 0.1, split_seed: int = 0
) -> list[int]:
    """The values of a K grid that :func:`select_k` can fit on ``dtm``.

    A model needs at least as many non-empty training documents as topics. A grid written
    for one corpus (``[topics] k_grid``) may ask too much of a smaller one: the values that
    do not fit are left out with a warning naming them and the number of documents, rather
    than failing the run.

    Parameters
    ----------
    ks : iterable of int
        The grid (each >= 2).
    dtm : DocumentTermMatrix
    holdout, split_seed
        As :func:`select_k` (the training documents are those it fits on).

    Returns
    -------
    list of int
        The feasible values, sorted.

    Raises
    ------
    InvalidParameterError
        When no value of the grid fits (the message gives the largest K the corpus allows).
    """
    _check_dtm(dtm)
    k_list = sorted({check_int("ks", k, 2) for k in ks})
    check_number("holdout", holdout, 0, 0.5)
    train_rows, _ = _split(dtm.shape[0], float(holdout), check_int("split_seed", split_seed, 0))
    train = _subset(dtm, train_rows)
    n_nonempty = int((np.asarray(train.matrix.sum(axis=1)).ravel() > 0).sum())
    kept = [k for k in k_list if k <= n_nonempty]
    dropped = [k for k in k_list if k > n_nonempty]
    if not kept:
        raise InvalidParameterError(
            f"ks: no value of {k_list} fits {n_nonempty} non-empty training documents; "
            f"give values from 2 to {n_nonempty}"
        )
    if dropped:
        logger.warning(
            "ks: %s left out: more topics than the %d non-empty training documents",
            dropped,
            n_nonempty,
        )
    return kept


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
        so the table is identical to ``n_jobs=1``. A grid of one (k, seed) gives the
        processes to that one fit instead (LDA's ``n_jobs``: the E-step of long documents)
        and to the window counts of its coherence, with the same result.
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
    k_list = sorted({check_int("ks", k, 2) for k in ks})
    seed_list = sorted({check_int("seeds", s, 0) for s in seeds})
    if not k_list:
        raise InvalidParameterError("ks: give at least one number of topics")
    if not seed_list:
        raise InvalidParameterError("seeds: give at least one seed")
    check_choice("method", method, sorted(METHODS))
    check_int("top_n", top_n, 2, dtm.shape[1])  # at most the vocabulary size
    check_number("holdout", holdout, 0, 0.5)
    check_int("split_seed", split_seed, 0)
    for m in measures:
        check_choice("measures", m, _MEASURES)
    train_rows, test_rows = _split(dtm.shape[0], float(holdout), split_seed)
    train = _subset(dtm, train_rows)
    test = _subset(dtm, test_rows) if len(test_rows) else None
    _check_k_vs_docs(k_list[-1], train, setting="ks")
    for k in k_list:  # validate model parameters before any fitting
        checked_model(method, k, seed_list[0], model_kwargs)
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
    bow = _bow(train_matrix) if "u_mass" in measures else None  # only u_mass reads it
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
        fit_jobs=resolve_n_jobs(n_jobs) if len(k_list) * len(seed_list) == 1 else 1,
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
    from textkit.segment.corpus import paused_gc

    with paused_gc():  # no full collection over the caller's units mid-fit; cycles wait for the end
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
    bow: list | None
    token_lists: list[list[str]] | None
    measures: tuple[str, ...]
    top_n: int
    split_seed: int
    #: Processes of the one fit (LDA's ``n_jobs``) and of its coherence's window counts, when
    #: the grid is one fit.
    fit_jobs: int = 1

    def row(self, task: tuple[int, int]) -> dict[str, Any]:
        """Fit the model of one (k, seed) and compute its diagnostics."""
        k, seed = task
        model = make_model(self.method, k, seed, self.model_kwargs)
        if self.fit_jobs > 1 and "n_jobs" in model.get_params(deep=False):
            model.set_params(n_jobs=self.fit_jobs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # empty docs: reported once
            if isinstance(model, LdaTopicModel):
                model._fit(self.train, infer_documents=False)  # only its topics are read here
            else:
                model.fit(self.train)
        topics = list(_top_term_lists(model, self.top_n).values())
        row: dict[str, Any] = {"k": k, "seed": seed}
        for m in ("c_v", "c_npmi", "u_mass"):
            row[m] = np.nan
        for m in self.measures:
            if m != "u_mass" and self.token_lists is None:
                continue
            row[m] = _coherence(
                topics, m, self.dictionary, self.bow, self.token_lists, self.top_n, self.fit_jobs
            )
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


def best_k(table: pd.DataFrame, chosen: int | None = None) -> pd.DataFrame:
    """The K each diagnostic of a :func:`select_k` grid favours, the runner-up, and the K
    chosen: the reading of the grid a notebook quotes, computed rather than written down.

    Parameters
    ----------
    table : DataFrame
        Output of :func:`select_k` (or of :func:`k_summary`).
    chosen : int, optional
        The K reported (``[topics] n_topics``): its value and rank on each measure are added.

    Returns
    -------
    DataFrame
        One row per measure with values (``c_v``, ``c_npmi``, ``u_mass``, ``perplexity``,
        ``exclusivity``, then ``mean_rank``): ``best_k`` and ``best`` (its mean over seeds;
        for ``mean_rank``, the rank), ``next_k`` and ``next`` (the runner-up, ``NaN`` with a
        single K) and, given ``chosen``, ``chosen_k``, ``chosen`` and ``chosen_rank``
        (1 = best). Ties go to the smaller K.

    Raises
    ------
    ValueError
        When ``chosen`` is not a K of the grid.
    """
    summary = table if "mean_rank" in table.columns else k_summary(table)
    measures = [m for m in _K_DIRECTIONS if m in summary.columns] + ["mean_rank"]
    by_k = summary.set_index("k")
    if chosen is not None and chosen not in by_k.index:
        raise ValueError(
            f"chosen: K = {chosen} is not in the grid ({', '.join(map(str, by_k.index))})"
        )
    rows = []
    for m in measures:
        better_first = 1 if m == "mean_rank" else -_K_DIRECTIONS[m]
        values = by_k[m].dropna()
        order = sorted(values.index, key=lambda k, v=values: (better_first * v[k], k))
        row: dict[str, Any] = {"measure": m, "best_k": order[0], "best": values[order[0]]}
        row["next_k"] = order[1] if len(order) > 1 else np.nan
        row["next"] = values[order[1]] if len(order) > 1 else np.nan
        if chosen is not None:
            row["chosen_k"] = chosen
            row["chosen"] = values.get(chosen, np.nan)
            row["chosen_rank"] = order.index(chosen) + 1 if chosen in order else np.nan
        rows.append(row)
    return pd.DataFrame(rows)
