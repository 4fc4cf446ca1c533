"""Choosing the labelling rule of the frame measure from hand-coded paragraphs.

:func:`tune_label_rule` chooses the paragraph rule from hand-coded paragraphs: every rule of
a grid is scored against the codes (macro-F1 over the four codes); among the rules within
``tolerance`` (0.01) of the best score it takes the one with the fewest optional checks
switched on (``min_per_1k``, ``threshold``, ``ci``, ``mixed_min_hits``, ``short_tokens``), the way the
one-standard-error rule prefers the simplest model that scores about as well as the best
(Hastie, Tibshirani and Friedman, *The Elements of Statistical Learning*, 7.10). A check that
buys less than the tolerance on the coded paragraphs is more likely fitted to them than
general. Nested grouped cross-validation — the rule chosen on the other articles' paragraphs, scored on the held-out
article's — reports how well the choice carries to text it was not chosen on. The chosen
values go to the ``[frames]`` table of ``textkit.toml`` (:meth:`LabelTuning.toml`).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_int, check_number
from textkit.core.errors import InvalidParameterError
from textkit.frames.agree import CODES, agreement
from textkit.frames.crossval import _metrics, check_fold_counts, grouped_folds
from textkit.frames.labels import LabelRule, _label_index, _score_arrays, assign_labels
from textkit.frames.score import FrameConfig, score_frames
from textkit.frames.validate import checked_codes

__all__ = ["DEFAULT_GRID", "DEFAULT_TOLERANCE", "LabelTuning", "checks_on", "tune_label_rule"]

#: Macro-F1 a rule may give up against the best for fewer checks (:func:`tune_label_rule`).
DEFAULT_TOLERANCE = 0.01

#: The rules :func:`tune_label_rule` searches by default (5,600 rules).
DEFAULT_GRID: dict[str, tuple] = {
    "min_hits": (0.5, 1.0, 1.5, 2.0, 3.0),
    "min_per_1k": (0.0, 5.0, 10.0, 20.0),
    "threshold": (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6),
    "ci": (True, False),
    "mixed_min_hits": (0.0, 1.5, 2.0, 2.5, 3.0),
    "short_tokens": (0, 10, 20, 30),
}


def _grid_rules(grid: dict[str, Iterable] | None) -> list[LabelRule]:
    grid = dict(DEFAULT_GRID if grid is None else grid)
    unknown = sorted(set(grid) - set(DEFAULT_GRID))
    if unknown:
        raise InvalidParameterError(
            f"grid: unknown key(s) {unknown}; expected some of {sorted(DEFAULT_GRID)}"
        )
    values = []
    for key in DEFAULT_GRID:
        vals = tuple(grid.get(key, DEFAULT_GRID[key]))
        if not vals:
            raise InvalidParameterError(f"grid: {key!r} has no values")
        values.append(sorted(set(vals)))
    return [LabelRule(*combo) for combo in itertools.product(*values)]


def _macro_f1(pred: np.ndarray, codes: np.ndarray) -> float:
    """Macro-F1 over the codes present in either array (``sklearn.metrics.f1_score`` with
    ``average="macro"``, ``zero_division=0``; computed from the confusion counts because the
    grid search calls it thousands of times; a test checks both agree)."""
    index = {c: i for i, c in enumerate(CODES)}
    return _macro_f1_index(
        np.array([index[c] for c in pred], dtype=np.intp),
        np.array([index[c] for c in codes], dtype=np.intp),
    )


def _macro_f1_index(pred: np.ndarray, codes: np.ndarray) -> float:
    """:func:`_macro_f1` of labels given as positions in ``CODES``."""
    k = len(CODES)
    cm = np.bincount(codes * k + pred, minlength=k * k).reshape(k, k)
    tp, both = np.diagonal(cm), cm.sum(axis=0) + cm.sum(axis=1)
    present = both > 0
    return float(np.mean(2.0 * tp[present] / both[present])) if present.any() else 0.0


def checks_on(rule: LabelRule) -> int:
    """How many of a rule's optional checks are switched on: ``min_per_1k`` > 0,
    ``threshold`` > 0, ``ci``, ``mixed_min_hits`` > 0, ``short_tokens`` > 0 (``min_hits``
    always applies)."""
    return (
        int(rule.min_per_1k > 0) + int(rule.threshold > 0) + int(rule.ci)
        + int(rule.mixed_min_hits > 0) + int(rule.short_tokens > 0)
    )  # fmt: skip


def _best(
    rules: list[LabelRule], table: pd.DataFrame, codes: np.ndarray, tolerance: float
) -> tuple[int, list]:
    """Index of the chosen rule on ``table``/``codes`` and every rule's macro-F1.

    The chosen rule is, among the rules whose macro-F1 (rounded to 9 decimals) is within
    ``tolerance`` of the best, the one with the fewest checks on (:func:`checks_on`), then
    the highest macro-F1, then the first in the grid's order (each field's values sorted
    ascending, ``min_hits`` varying slowest).
    """
    arrays = _score_arrays(table)
    index = {c: i for i, c in enumerate(CODES)}
    code_index = np.array([index[c] for c in codes], dtype=np.intp)
    f1s = [round(_macro_f1_index(_label_index(arrays, r), code_index), 9) for r in rules]
    floor = round(max(f1s) - tolerance, 9)
    near = [i for i, f in enumerate(f1s) if f >= floor]
    return min(near, key=lambda i: (checks_on(rules[i]), -f1s[i], i)), f1s


@dataclasses.dataclass(frozen=True)
class LabelTuning:
    """The result of :func:`tune_label_rule`.

    Attributes
    ----------
    rule : LabelRule
        The rule chosen on all coded paragraphs: the fewest checks among those within the
        tolerance of the best macro-F1.
    grid : DataFrame
        Every rule searched: min_hits, min_per_1k, threshold, ci, mixed_min_hits, short_tokens, checks
        (:func:`checks_on`), macro_f1 (in-sample), sorted by macro-F1, best first.
    folds : DataFrame
        Nested cross-validation, one row per outer fold: fold, n_train, n_test, the rule
        chosen on the training part (min_hits, min_per_1k, threshold, ci, mixed_min_hits,
        short_tokens), its train
        macro-F1 and its test macro-F1.
    overall : DataFrame
        One row per measure on the same coded paragraphs: ``chosen (in-sample)`` — the
        chosen rule on the paragraphs it was chosen on (optimistic), ``chosen
        (cross-validated)`` — pooled out-of-fold labels, each paragraph labelled by the rule
        chosen without its article, and ``current`` — the rule the scores were computed
        with. Columns: measure, n, accuracy, macro_f1, kappa, spearman, recall_<code>.
    predictions : DataFrame
        sample_id, doc_id, para_id, fold, code, current, in_sample, cross_validated.
    """

    rule: LabelRule
    grid: pd.DataFrame
    folds: pd.DataFrame
    overall: pd.DataFrame
    predictions: pd.DataFrame

    def toml(self) -> str:
        """The chosen rule as the lines of the ``[frames]`` table of ``textkit.toml``."""
        r = self.rule
        return (
            f"paragraph_min_hits = {r.min_hits}\n"
            f"paragraph_min_per_1k = {r.min_per_1k}\n"
            f"paragraph_label_threshold = {r.threshold}\n"
            f"paragraph_label_ci = {'true' if r.ci else 'false'}\n"
            f"paragraph_mixed_min_hits = {r.mixed_min_hits}\n"
            f"paragraph_short_tokens = {r.short_tokens}\n"
        )


def tune_label_rule(
    codes: pd.DataFrame,
    docs: Any,
    *,
    grid: dict[str, Iterable] | None = None,
    n_splits: int = 5,
    lexicon: Any = None,
    segmenter: Any = None,
    config: Any = None,
    random_state: int | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
) -> LabelTuning:
    """Choose the paragraph labelling rule from hand-coded paragraphs.

    The coded paragraphs are scored once (``score_frames(level="paragraph")``); every rule of
    ``grid`` labels them and is scored by macro-F1 over the four codes. The chosen rule on
    all paragraphs is the result: among the rules within ``tolerance`` of the best macro-F1,
    the one with the fewest optional checks switched on (:func:`checks_on`), then the
    highest macro-F1 (see the module docstring). Nested cross-validation grouped by article
    (``StratifiedGroupKFold(n_splits)``, no shuffling unless ``random_state`` is given)
    chooses a rule on the other folds' articles and labels the held-out fold with it, so
    ``overall`` reports the chosen rule's agreement both in-sample and on articles it was not
    chosen on.

    Parameters
    ----------
    codes : DataFrame
        Coded paragraphs (:func:`textkit.frames.validate.read_codes` or
        :func:`~textkit.frames.validate.load_coded_paragraphs`). Not modified.
    docs : DataFrame
        Documents table holding them (``doc_id``, ``text``); codes are re-mapped onto it by
        paragraph text (:func:`textkit.frames.validate.align_codes`).
    grid : dict, optional
        Values to search per field of :class:`LabelRule` (``min_hits``, ``min_per_1k``,
        ``threshold``, ``ci``, ``mixed_min_hits``, ``short_tokens``); missing keys take
        :data:`DEFAULT_GRID`'s
        values.
    n_splits : int, default 5
        Outer folds of the nested cross-validation (>= 2).
    lexicon, segmenter, config
        As in :func:`textkit.frames.score.score_frames`; ``config`` sets the bootstrap (the
        intervals a rule with ``ci`` reads) and the ``current`` rule.
    random_state : int, optional
        Outer folds: None (default) in order, an integer shuffles the articles with that
        seed (as in :func:`textkit.frames.crossval.cross_validate_frames`). The folds are
        ``StratifiedGroupKFold``'s, which places articles by their mix of codes and shuffles
        only those whose mix ties with another's: with many coded articles of distinct mixes
        the seed changes nothing.
    tolerance : float, default :data:`DEFAULT_TOLERANCE` (0.01)
        Macro-F1 a rule may give up against the best rule for fewer checks, in [0, 1]; 0
        takes the best rule (ties: fewer checks). The nested cross-validation chooses with
        the same tolerance.

    Returns
    -------
    LabelTuning

    Raises
    ------
    textkit.core.errors.CodingSheetError
        Bad codes or a coded paragraph not found in ``docs``
        (:func:`textkit.frames.validate.checked_codes`, sample ids named); fewer than
        ``n_splits`` articles, or a code with fewer coded paragraphs than ``n_splits`` (codes
        and counts named).
    """

    check_int("n_splits", n_splits, 2)
    check_number("tolerance", tolerance, minimum=0.0, maximum=1.0)
    config = config or FrameConfig()
    rules = _grid_rules(grid)
    aligned, docs = checked_codes(codes, docs)
    y = aligned["code"].to_numpy(dtype=object)
    g = aligned["doc_id"].astype(str).to_numpy(dtype=object)
    check_fold_counts(y, g, n_splits, "article(s)")
    used = docs[docs["doc_id"].isin(set(aligned["doc_id"]))].reset_index(drop=True)
    scores = score_frames(
        used, level="paragraph", lexicon=lexicon, segmenter=segmenter, config=config
    )
    keyed = scores.set_index(["doc_id", "para_id"])
    cols = ["n_stability", "n_service_law", "n_tokens", "balance", "balance_lo", "balance_hi"]
    idx = pd.MultiIndex.from_arrays([aligned["doc_id"].astype(str), aligned["para_id"].astype(int)])
    table = keyed.reindex(idx)[cols].reset_index(drop=True)
    # a coded paragraph without a score row (no sentence) has no frame term
    table[["n_stability", "n_service_law", "n_tokens"]] = table[
        ["n_stability", "n_service_law", "n_tokens"]
    ].fillna(0)

    best, f1s = _best(rules, table, y, tolerance)
    grid_df = pd.DataFrame([dataclasses.asdict(r) for r in rules]).assign(
        checks=[checks_on(r) for r in rules], macro_f1=f1s
    )
    grid_df = grid_df.sort_values(
        ["macro_f1", "min_hits", "min_per_1k", "threshold", "ci", "mixed_min_hits", "short_tokens"],
        ascending=[False, True, True, True, True, True, True], kind="mergesort",
    ).reset_index(drop=True)  # fmt: skip

    cv = grouped_folds(n_splits, random_state)
    fold = np.full(len(y), -1, dtype=int)
    oof = np.empty(len(y), dtype=object)
    fold_rows = []
    for k, (train, test) in enumerate(cv.split(np.zeros(len(y)), y, g)):
        b, train_f1 = _best(rules, table.iloc[train], y[train], tolerance)
        oof[test] = assign_labels(table.iloc[test], rules[b])
        fold[test] = k
        fold_rows.append(
            {"fold": k, "n_train": len(train), "n_test": len(test),
             **dataclasses.asdict(rules[b]), "train_macro_f1": train_f1[b],
             "test_macro_f1": round(_macro_f1(oof[test], y[test]), 9)}
        )  # fmt: skip
    current = config.label_rule("paragraph")
    preds = {
        "current": assign_labels(table, current),
        "in_sample": assign_labels(table, rules[best]),
        "cross_validated": oof,
    }
    names = {
        "current": "current",
        "in_sample": "chosen (in-sample)",
        "cross_validated": "chosen (cross-validated)",
    }
    overall = []
    for key in ("in_sample", "cross_validated", "current"):
        rep = agreement(list(preds[key]), aligned.assign(code=y))
        overall.append({"measure": names[key], "n": len(y), **_metrics(rep)})
    predictions = aligned.loc[:, ["sample_id", "doc_id", "para_id"]].copy()
    predictions["fold"] = fold
    predictions["code"] = y
    for key, vals in preds.items():
        predictions[key] = vals
    return LabelTuning(
        rule=rules[best],
        grid=grid_df,
        folds=pd.DataFrame(fold_rows),
        overall=pd.DataFrame(overall),
        predictions=predictions.reset_index(drop=True),
    )
