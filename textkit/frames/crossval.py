"""Grouped cross-validation of the supervised frame measure against the dictionary measure.

:func:`cross_validate_frames` estimates how well :class:`textkit.frames.supervised.FrameClassifier`
agrees with hand codes on paragraphs it was not trained on: the coded paragraphs are split
into folds by article (paragraphs of one article never sit in both the training and the test
part, so the model cannot lean on an article's own wording), and the metrics are those of
:func:`textkit.frames.validate.agreement`. The dictionary measure is scored on the same folds;
it has no training, so its score on a fold is its agreement on that fold's paragraphs and its
pooled score is its in-sample agreement (:func:`textkit.frames.validate.validate_measure`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedGroupKFold

from textkit.core.checks import check_int
from textkit.core.errors import CodingSheetError, InvalidParameterError
from textkit.frames.agree import CODES, ValidationReport, agreement
from textkit.frames.score import FrameConfig, score_frames
from textkit.frames.supervised import (
    _KEYS,
    PROBA_COLUMNS,
    FrameClassifier,
    _resolve_segmenter,
    _rows_of,
)
from textkit.frames.validate import checked_codes

__all__ = ["FrameCrossValidation", "check_fold_counts", "cross_validate_frames"]


@dataclasses.dataclass(frozen=True)
class FrameCrossValidation:
    """Grouped cross-validated agreement of the classifier and the dictionary with the codes.

    Attributes
    ----------
    folds : DataFrame
        One row per fold and measure (``classifier``, ``dictionary``): fold, measure,
        n_train, n_test, n_groups_test, accuracy, macro_f1, kappa, spearman, n_ordered,
        recall_<code> for each code (NaN when the fold's test part has none of it).
    overall : DataFrame
        One row per measure: the metrics of the pooled out-of-fold predictions (every coded
        paragraph predicted once, by a model that did not see its article), and
        ``macro_f1_mean`` / ``macro_f1_sd`` and ``kappa_mean`` over the folds.
    predictions : DataFrame
        One row per coded paragraph: sample_id, doc_id, para_id, group, fold (the fold in
        whose test part it is; it is in the training part of every other fold), code,
        classifier, dictionary, p_<code>.
    reports : dict str -> ValidationReport
        :func:`textkit.frames.validate.agreement` of the pooled predictions per measure.
        The dictionary's is its in-sample agreement (it has no training).
    calibration : tuple of str
        Each fold model's ``calibration_note_``.
    """

    folds: pd.DataFrame
    overall: pd.DataFrame
    predictions: pd.DataFrame
    reports: dict[str, ValidationReport]
    calibration: tuple[str, ...]


def _metrics(report: ValidationReport) -> dict[str, float]:
    rec = dict(zip(report.per_class["label"], report.per_class["recall"], strict=True))
    sup = dict(zip(report.per_class["label"], report.per_class["support"], strict=True))
    out = {
        "accuracy": report.accuracy,
        "macro_f1": report.macro_f1,
        "kappa": report.kappa,
        "spearman": report.spearman,
        "n_ordered": report.n_ordered,
    }
    for c in CODES:
        out[f"recall_{c}"] = float(rec[c]) if sup.get(c, 0) > 0 else float("nan")
    return out


def grouped_folds(n_splits: int, random_state: int | None = None) -> StratifiedGroupKFold:
    """The grouped, stratified folds of :func:`cross_validate_frames` and
    :func:`textkit.frames.tune.tune_label_rule`: groups in order (``random_state=None``)
    or shuffled with the seed ``random_state``.

    Raises
    ------
    textkit.core.errors.InvalidParameterError
        ``random_state`` neither None nor an integer >= 0.
    """
    if random_state is None:
        return StratifiedGroupKFold(n_splits=n_splits, shuffle=False)
    check_int("random_state", random_state, 0)
    return StratifiedGroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)


def check_fold_counts(y: np.ndarray, groups: np.ndarray, n_splits: int, what: str) -> None:
    """Refuse codes that cannot fill ``n_splits`` grouped folds (shared with
    :func:`textkit.frames.tune.tune_label_rule`).

    Raises
    ------
    textkit.core.errors.CodingSheetError
        A code with fewer coded paragraphs than ``n_splits`` (codes and counts named), or
        fewer distinct groups than ``n_splits`` (``what`` names the groups).
    """
    counts = {c: int((y == c).sum()) for c in CODES if (y == c).any()}
    small = {c: n for c, n in counts.items() if n < n_splits}
    if small:
        listed = ", ".join(f"{c} {n}" for c, n in small.items())
        raise CodingSheetError(
            f"codes: too few coded paragraphs for {n_splits}-fold cross-validation: {listed} "
            f"(every code needs at least n_splits={n_splits}; code more paragraphs or lower "
            "n_splits)"
        )
    if len(set(groups)) < n_splits:
        raise CodingSheetError(
            f"codes: {len(set(groups))} {what} for {n_splits}-fold cross-validation"
        )


def cross_validate_frames(
    codes: pd.DataFrame,
    docs: Any,
    *,
    n_splits: int = 5,
    groups: str = "doc_id",
    model: FrameClassifier | None = None,
    random_state: int | None = None,
) -> FrameCrossValidation:
    """Grouped cross-validation of :class:`FrameClassifier` against the dictionary measure.

    The coded paragraphs are split by ``StratifiedGroupKFold(n_splits)``:
    all paragraphs of one group (article, by default) fall in the same fold, and the code
    shares are kept as even across folds as the groups allow. For each fold a clone of
    ``model`` is fitted on the other folds and predicts the fold's paragraphs; the dictionary
    measure (``score_frames(level="paragraph")`` with the model's lexicon, segmenter and
    ``frame_config``) is scored on the same paragraphs. Metrics are those of
    :func:`textkit.frames.validate.agreement` (macro-F1, per-class recall, Cohen's kappa,
    Spearman's rho on stability < mixed < service_law with ``neither`` left out).

    Parameters
    ----------
    codes : DataFrame
        Coded paragraphs (:func:`textkit.frames.validate.read_codes`). Not modified.
    docs : DataFrame
        Documents table holding them (``doc_id``, ``text``).
    n_splits : int, default 5
        Folds (>= 2).
    groups : str, default "doc_id"
        Column of the (aligned) codes whose values are kept together, or ``"page"`` for the
        source page (the part of ``doc_id`` before ``#``).
    model : FrameClassifier, optional
        Settings of the classifier (cloned per fold). Default: ``FrameClassifier()``.
    random_state : int, optional
        None (default): the groups go to the folds in order, without shuffling. An integer
        shuffles them with that seed: repeat with several seeds to see how much one split's
        figures owe to which articles happen to share a fold. ``StratifiedGroupKFold``
        places the groups by their mix of codes and shuffles only those whose mix ties with
        another's, so with many groups of distinct mixes the seed changes nothing.

    Returns
    -------
    FrameCrossValidation

    Raises
    ------
    textkit.core.errors.CodingSheetError
        Bad codes (as :meth:`FrameClassifier.fit`), a code with fewer coded paragraphs than
        ``n_splits`` (classes and counts named), or fewer groups than ``n_splits``.
    """
    check_int("n_splits", n_splits, 2)
    model = FrameClassifier() if model is None else model
    if not isinstance(model, FrameClassifier):
        raise InvalidParameterError(
            f"model: expected a FrameClassifier, got {type(model).__name__}"
        )
    model._check_params()
    aligned, docs = checked_codes(codes, docs)
    if groups == "page":
        group = aligned["doc_id"].str.split("#").str[0]
    elif groups in aligned.columns:
        group = aligned[groups].astype(str)
    else:
        raise InvalidParameterError(
            f"groups: expected 'page' or a column of the codes, got {groups!r}"
        )
    y = aligned["code"].to_numpy(dtype=object)
    g = group.to_numpy(dtype=object)
    check_fold_counts(y, g, n_splits, f"group(s) ({groups})")
    # score once: the dictionary labels (with the bootstrap of the model's config) and the
    # dictionary features of the classifier (which do not depend on the bootstrap)
    seg = _resolve_segmenter(model.segmenter)
    used = docs[docs["doc_id"].isin(set(aligned["doc_id"]))].reset_index(drop=True)
    scores = score_frames(
        used, level="paragraph", lexicon=model.lexicon, segmenter=seg,
        config=model.frame_config or FrameConfig(),
    )  # fmt: skip
    table = model._paragraph_table(used)
    rows = _rows_of(aligned, table)
    lab = scores.assign(doc_id=scores["doc_id"].astype(str), para_id=scores["para_id"].astype(int))
    lab = lab.set_index(_KEYS)["frame_label"]
    dict_pred = np.array(
        [lab.get((d, int(p)), "neither") for d, p in zip(aligned["doc_id"], aligned["para_id"],
                                                           strict=True)],
        dtype=object,
    )  # fmt: skip

    cv = grouped_folds(n_splits, random_state)
    fold = np.full(len(y), -1, dtype=int)
    pred = np.empty(len(y), dtype=object)
    proba = np.zeros((len(y), len(PROBA_COLUMNS)))
    fold_rows, notes = [], []
    for k, (train, test) in enumerate(cv.split(np.zeros(len(y)), y, g)):
        m = clone(model)._fit_table(table.loc[rows[train]].reset_index(drop=True), y[train],
                                    g[train])  # fmt: skip
        notes.append(m.calibration_note_)
        p, decided = m._scores(table.loc[rows[test]].reset_index(drop=True))
        pred[test] = m._labels(decided)
        for j, col in enumerate(PROBA_COLUMNS):
            if col[2:] in m.classes_:
                proba[test, j] = p[:, list(m.classes_).index(col[2:])]
        fold[test] = k
        for name, labels in (("classifier", pred[test]), ("dictionary", dict_pred[test])):
            rep = agreement(list(labels), list(y[test]))
            fold_rows.append(
                {"fold": k, "measure": name, "n_train": len(train), "n_test": len(test),
                 "n_groups_test": len(set(g[test])), **_metrics(rep)}
            )  # fmt: skip
    folds = pd.DataFrame(fold_rows)
    predictions = aligned.loc[:, ["sample_id", "doc_id", "para_id"]].copy()
    predictions["group"] = g
    predictions["fold"] = fold
    predictions["code"] = y
    predictions["classifier"] = pred
    predictions["dictionary"] = dict_pred
    for j, col in enumerate(PROBA_COLUMNS):
        predictions[col] = proba[:, j]
    reports = {
        name: agreement(list(predictions[name]), aligned.assign(code=y))
        for name in ("classifier", "dictionary")
    }
    overall = []
    for name, rep in reports.items():
        f = folds[folds["measure"] == name]
        overall.append(
            {"measure": name, "n": len(y), **_metrics(rep),
             "macro_f1_mean": float(f["macro_f1"].mean()),
             "macro_f1_sd": float(f["macro_f1"].std(ddof=1)),
             "kappa_mean": float(f["kappa"].mean())}
        )  # fmt: skip
    return FrameCrossValidation(
        folds=folds,
        overall=pd.DataFrame(overall),
        predictions=predictions,
        reports=reports,
        calibration=tuple(notes),
    )
