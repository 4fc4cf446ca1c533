"""Agreement between a frame measure's labels and hand codes, with bootstrap intervals.

:func:`agreement` compares measure labels with the codes (per-class precision / recall / F1,
macro-F1, Cohen's kappa, Spearman's rank correlation on the ordered labels, the confusion
matrix) and returns a :class:`ValidationReport`. :meth:`ValidationReport.intervals` says how
far those figures could move on another sample of the same size: a percentile bootstrap
that resamples whole articles, because the paragraphs of one article are not independent
of each other. On the seed corpus the 754 shipped coded paragraphs give the dictionary
measure a macro-F1 of 0.75 with a 95 % interval of about 0.70-0.79; a random 130 of them, an
interval about 0.18 wide. :func:`compare_agreement` does the same for the difference between
two measures read against the same codes (a paired bootstrap: both on the same resampled
articles). :func:`textkit.frames.validate.validate_measure` builds the
report for the paragraph-level dictionary measure; :mod:`textkit.frames.crossval` and
:func:`textkit.frames.tune.tune_label_rule` build it for each fold.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn import metrics

from textkit.core.checks import check_int, check_number

__all__ = ["CODES", "ORDER", "ValidationReport", "agreement", "compare_agreement"]

#: Allowed codes, in display order.
CODES: tuple[str, ...] = ("stability", "mixed", "service_law", "neither")
#: Rank of the ordered codes (``neither`` has no place on the scale).
ORDER: dict[str, int] = {"stability": 0, "mixed": 1, "service_law": 2}


@dataclasses.dataclass(frozen=True)
class ValidationReport:
    """Agreement between measure labels and human codes.

    Attributes
    ----------
    table : DataFrame
        One row per item: ``measure``, ``code`` (+ ``text`` and ids when given), ``distance``
        (absolute rank difference on stability < mixed < service_law; 3 when exactly one of
        the two is ``neither``, 0 when both are).
    per_class : DataFrame
        label, precision, recall, f1, support (codes as the truth).
    macro_f1 : float
        Unweighted mean F1 over the labels present in either column.
    kappa : float
        Cohen's kappa over all four labels.
    spearman : float
        Spearman rho between the ordered labels (items where either side is ``neither`` are
        excluded; NaN when fewer than 3 items remain or one side is constant).
    spearman_p : float
        Its p-value.
    n_ordered : int
        Items used for the Spearman correlation.
    confusion : DataFrame
        Confusion matrix, rows = human code, columns = measure label, in :data:`CODES` order.
    accuracy : float
        Share of exact agreements.
    alignment : dict
        From :func:`validate_measure`: how the coded rows were found in the corpus (the
        ``attrs["alignment"]`` counts of :func:`align_codes`: ``n_rows``, ``by_id``,
        ``by_text``, ``ambiguous``, ``unmatched``, ``collapsed`` and sample ids), so that a
        :meth:`summary` ``n`` below the rows coded can be traced; empty from
        :func:`agreement`.
    """

    table: pd.DataFrame
    per_class: pd.DataFrame
    macro_f1: float
    kappa: float
    spearman: float
    spearman_p: float
    n_ordered: int
    confusion: pd.DataFrame
    accuracy: float
    alignment: dict[str, Any] = dataclasses.field(default_factory=dict)

    def summary(self) -> dict[str, float]:
        """Headline numbers as a flat dict (n, accuracy, macro_f1, kappa, spearman, ...)."""
        return {
            "n": len(self.table),
            "accuracy": self.accuracy,
            "macro_f1": self.macro_f1,
            "kappa": self.kappa,
            "spearman": self.spearman,
            "spearman_p": self.spearman_p,
            "n_ordered": self.n_ordered,
        }

    def worst_disagreements(self, k: int = 10) -> pd.DataFrame:
        """The ``k`` most distant disagreements (largest ``distance``; ties by input order).

        Parameters
        ----------
        k : int, default 10

        Returns
        -------
        DataFrame
            Rows of :attr:`table` with ``distance > 0``.
        """
        check_int("k", k, 0)
        bad = self.table[self.table["distance"] > 0]
        return bad.sort_values("distance", ascending=False, kind="mergesort").head(k)

    def intervals(
        self,
        *,
        n_boot: int = 1000,
        ci: float = 0.95,
        random_state: int = 0,
        by: str | None = "doc_id",
    ) -> pd.DataFrame:
        """Bootstrap intervals of the headline figures, resampling whole articles.

        The paragraphs of one article share its author, genre and template, so they are not
        independent draws: an interval that resampled paragraphs would be too narrow. Each
        replicate draws as many articles as the report holds, with replacement, keeps all
        their rows, and computes the figures again as :func:`agreement` does (macro-F1 over
        the codes present in the replicate, so a replicate without a ``mixed`` paragraph
        averages over the others). The interval is the percentile interval of the
        replicates.

        Parameters
        ----------
        n_boot : int, default 1000
            Replicates.
        ci : float, default 0.95
            Coverage of the percentile interval.
        random_state : int, default 0
            Seed of the resampling (``numpy.random.default_rng``); the units are taken in
            sorted order, so the same report and seed give the same intervals anywhere.
        by : str or None, default "doc_id"
            Column of :attr:`table` whose values are the units resampled; ``None``
            resamples rows (paragraphs) as if they were independent.

        Returns
        -------
        DataFrame
            One row per figure (``accuracy``, ``macro_f1``, ``kappa``, ``spearman`` and
            ``recall_<code>`` for each code of :attr:`per_class`): ``estimate`` (the
            report's own figure), ``lo``, ``hi`` and ``n_valid``, the replicates in which
            the figure is defined (Spearman needs both sides to vary; a recall needs its
            code). ``attrs`` record ``unit``, ``n_units``, ``n_boot``, ``ci`` and
            ``random_state``.

        Raises
        ------
        ValueError
            ``by`` is not a column of :attr:`table` (e.g. a report of :func:`agreement`
            given plain label lists: pass ``by=None`` or codes with ``doc_id``), or a row
            has no ``by`` value (the first such row named).

        Warns
        -----
        UserWarning
            Fewer than 10 units: the intervals say little; from one unit ``lo`` and ``hi``
            are NaN (every replicate is that unit).

        Examples
        --------
        >>> rep = agreement(["stability", "neither", "service_law", "stability"],
        ...                 ["stability", "neither", "service_law", "service_law"])
        >>> float(rep.intervals(n_boot=200, by=None).loc["accuracy", "estimate"])
        0.75
        """
        check_number("ci", ci, 0.0, 1.0)
        names, (reps,), n_units = _replicates([self], n_boot, random_state, by)
        estimate = _estimates(self, names)
        lo, hi = _percentiles(reps, ci, n_units)
        out = pd.DataFrame(
            {"estimate": estimate, "lo": lo, "hi": hi, "n_valid": (~np.isnan(reps)).sum(axis=0)},
            index=pd.Index(names, name="figure"),
        )
        out.attrs.update(
            unit=by or "row", n_units=n_units, n_boot=n_boot, ci=ci, random_state=random_state
        )
        return out


def compare_agreement(
    first: ValidationReport,
    second: ValidationReport,
    *,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int = 0,
    by: str | None = "doc_id",
) -> pd.DataFrame:
    """How much better one measure agrees with the codes than another, with an interval.

    Two measures checked against the same coded paragraphs (the dictionary and the
    classifier of :func:`~textkit.frames.crossval.cross_validate_frames`, two lexicons, two
    labelling rules) differ by a few points of macro-F1; whether that difference is more
    than the luck of which articles were coded is what a paired bootstrap says: each
    replicate draws articles with replacement, as :meth:`ValidationReport.intervals` does,
    and computes both measures' figures on the same rows, so the interval of their
    difference leaves out what the two share (a hard article is hard for both).

    Parameters
    ----------
    first, second : ValidationReport
        Reports of the same coded paragraphs, in the same order: the same codes and, where
        both tables have them, the same ``sample_id``, ``doc_id`` and ``para_id``, row by
        row.
    n_boot, ci, random_state, by
        As :meth:`ValidationReport.intervals`.

    Returns
    -------
    DataFrame
        One row per figure (``accuracy``, ``macro_f1``, ``kappa``, ``spearman`` and
        ``recall_<code>``): ``first``, ``second``, ``difference`` (second - first), its
        percentile interval ``lo`` / ``hi``, ``share_second_better`` (the share of
        replicates in which the second measure's figure is higher; ties count half) and
        ``n_valid``. ``attrs`` as :meth:`ValidationReport.intervals`.

    Raises
    ------
    ValueError
        The reports are not of the same paragraphs (the first differing row named), or
        ``by`` is not a column of both tables, or a row has no ``by`` value.

    Warns
    -----
    UserWarning
        As :meth:`ValidationReport.intervals`.

    Examples
    --------
    >>> codes = ["stability", "neither", "service_law", "service_law"]
    >>> a = agreement(["stability", "neither", "neither", "stability"], codes)
    >>> b = agreement(["stability", "neither", "service_law", "stability"], codes)
    >>> float(compare_agreement(a, b, n_boot=200, by=None).loc["accuracy", "difference"])
    0.25
    """
    check_number("ci", ci, 0.0, 1.0)
    ids = [c for c in _ROW_IDS if c in first.table.columns and c in second.table.columns]
    for col in ["code", *ids]:
        one = first.table[col].astype(str).to_numpy()
        two = second.table[col].astype(str).to_numpy()
        if len(one) != len(two) or (one != two).any():
            row = int(np.argmax(one != two)) if len(one) == len(two) else min(len(one), len(two))
            raise ValueError(
                f"compare_agreement: the reports are not of the same paragraphs ({len(one)} "
                f"and {len(two)} rows; column {col!r} differs first at row {row})"
            )
    names, (one, two), n_units = _replicates([first, second], n_boot, random_state, by)
    diff = two - one
    lo, hi = _percentiles(diff, ci, n_units)
    valid = ~np.isnan(diff)
    better = np.where(valid, (diff > 0) + 0.5 * (diff == 0), np.nan)
    a, b = _estimates(first, names), _estimates(second, names)
    out = pd.DataFrame(
        {
            "first": a,
            "second": b,
            "difference": np.subtract(b, a),
            "lo": lo,
            "hi": hi,
            "share_second_better": [
                float(np.nanmean(better[:, j])) if valid[:, j].any() else np.nan
                for j in range(len(names))
            ],
            "n_valid": valid.sum(axis=0),
        },
        index=pd.Index(names, name="figure"),
    )
    out.attrs.update(
        unit=by or "row", n_units=n_units, n_boot=n_boot, ci=ci, random_state=random_state
    )
    return out


_HEADLINE = ("accuracy", "macro_f1", "kappa", "spearman")
#: The columns that name a coded paragraph, compared row by row by :func:`compare_agreement`.
_ROW_IDS = ("sample_id", "doc_id", "para_id")
#: Fewer units than this give intervals that say little (one gives none): a warning says so.
_FEW_UNITS = 10


def _figure_names(reports: list[ValidationReport]) -> list[str]:
    codes = {c for rep in reports for c in rep.per_class["label"]}
    return [*_HEADLINE, *(f"recall_{c}" for c in CODES if c in codes)]


def _estimates(report: ValidationReport, names: list[str]) -> list[float]:
    """The report's own figures of ``names`` (NaN for a recall of a code it lacks)."""
    recall = dict(zip(report.per_class["label"], report.per_class["recall"], strict=True))
    support = dict(zip(report.per_class["label"], report.per_class["support"], strict=True))
    return [getattr(report, n) for n in _HEADLINE] + [
        recall[c] if support.get(c, 0) > 0 else np.nan
        for c in (n.removeprefix("recall_") for n in names[len(_HEADLINE) :])
    ]


def _units(
    table: pd.DataFrame, by: str | None, stacklevel: int, where: str = "intervals"
) -> list[np.ndarray]:
    """The resampling units of ``table``: the row positions of each ``by`` value, in sorted
    order (or each row alone when ``by`` is None), with a warning below :data:`_FEW_UNITS`
    (``stacklevel`` as :func:`warnings.warn`'s, counted from the caller; ``where`` names the
    caller in an error)."""
    if by is None:
        units = [np.array([i]) for i in range(len(table))]
    else:
        missing = table[by].isna() | (table[by].astype(str).str.strip() == "")
        if missing.any():
            raise ValueError(
                f"{where}: {int(missing.sum())} row(s) without a {by!r} (first: row "
                f"{int(np.argmax(missing.to_numpy()))}); every row must name its unit, or pass "
                "by=None to resample paragraphs"
            )
        keys = table[by].astype(str).to_numpy()
        units = [np.flatnonzero(keys == k) for k in sorted(set(keys))]
    if len(units) < _FEW_UNITS:
        warnings.warn(
            f"bootstrap intervals from {len(units)} unit(s) ({by or 'rows'}): they say little "
            f"below {_FEW_UNITS}, and nothing from one (its interval is left empty)",
            UserWarning,
            stacklevel=stacklevel + 1,
        )
    return units


def _draws(n_units: int, n_boot: int, random_state: int) -> Iterator[np.ndarray]:
    """The units drawn in each of ``n_boot`` replicates: as many as there are, with
    replacement (``numpy.random.default_rng(random_state)``)."""
    check_int("n_boot", n_boot, 1)
    check_int("random_state", random_state, 0)
    rng = np.random.default_rng(random_state)
    for _ in range(n_boot):
        yield rng.integers(0, n_units, n_units)


def _resamples(units: list[np.ndarray], n_boot: int, random_state: int) -> Iterator[np.ndarray]:
    """The row positions of each of ``n_boot`` replicates (:func:`_draws`), all the rows of
    each unit drawn kept."""
    for drawn in _draws(len(units), n_boot, random_state):
        yield np.concatenate([units[u] for u in drawn])


def _unit_confusions(report: ValidationReport, units: list[np.ndarray]) -> np.ndarray:
    """Each unit's confusion counts (code x measure, :data:`CODES` order), flattened: a
    (units, 16) array; a replicate's confusion matrix is the sum over the units it draws."""
    index = {c: i for i, c in enumerate(CODES)}
    k = len(CODES)
    cells = (report.table["code"].map(index).to_numpy(int) * k
             + report.table["measure"].map(index).to_numpy(int))  # fmt: skip
    return np.stack([np.bincount(cells[rows], minlength=k * k) for rows in units])


def _confusion_figures(cms: np.ndarray, names: list[str]) -> np.ndarray:
    """The figures ``names`` (:func:`_figure_names`) of each confusion matrix of ``cms``
    (replicates x codes x measure labels, :data:`CODES` order), as :func:`_figures` and
    :func:`_estimates` compute them from the labels (sklearn's accuracy, macro-F1 over the
    codes present, Cohen's kappa; Spearman's rho, ties averaged, on the pairs of
    :data:`ORDER`; recall NaN for a code absent from the replicate), vectorised over the
    replicates: (replicates, figures)."""
    cms = cms.astype(float)
    n = cms.sum(axis=(1, 2))
    tp = np.diagonal(cms, axis1=1, axis2=2)
    rows, cols = cms.sum(axis=2), cms.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        accuracy = tp.sum(axis=1) / n
        present = (rows + cols) > 0
        f1 = np.where(present, 2 * tp / np.where(present, rows + cols, 1), 0.0)
        macro_f1 = f1.sum(axis=1) / present.sum(axis=1)
        expected = (rows * cols).sum(axis=1) / n
        kappa = 1 - (n - tp.sum(axis=1)) / (n - expected)
        recall = np.where(rows > 0, tp / np.where(rows > 0, rows, 1), np.nan)
        # Spearman's rho of the ordered pairs from their table: midranks, then Pearson
        order = [CODES.index(c) for c in sorted(ORDER, key=ORDER.get)]
        sub = cms[:, order][:, :, order]  # codes (rows) x measure (columns), on the scale
        m = sub.sum(axis=(1, 2))
        ranks = []
        for counts in (sub.sum(axis=2), sub.sum(axis=1)):  # codes, measure
            below = np.cumsum(counts, axis=1) - counts
            ranks.append((below + (counts + 1) / 2, counts))
        (r_code, n_code), (r_meas, n_meas) = ranks
        mean = (m + 1)[:, None] / 2
        dc, dm = r_code - mean, r_meas - mean
        cov = np.einsum("bi,bij,bj->b", dc, sub, dm)
        var_c, var_m = (n_code * dc**2).sum(axis=1), (n_meas * dm**2).sum(axis=1)
        constant = ((n_code > 0).sum(axis=1) < 2) | ((n_meas > 0).sum(axis=1) < 2) | (m < 3)
        spearman = np.where(constant, np.nan, cov / np.sqrt(var_c * var_m))
    figures = {"accuracy": accuracy, "macro_f1": macro_f1, "kappa": kappa, "spearman": spearman}
    for i, c in enumerate(CODES):
        figures[f"recall_{c}"] = recall[:, i]
    return np.stack([figures[name] for name in names], axis=1)


def _replicates(
    reports: list[ValidationReport], n_boot: int, random_state: int, by: str | None
) -> tuple[list[str], list[np.ndarray], int]:
    """The figures of each report on the same ``n_boot`` resamples of units (``by`` values,
    in sorted order, or rows): figure names, one (n_boot, figures) array per report, and
    the number of units."""
    check_int("n_boot", n_boot, 1)
    check_int("random_state", random_state, 0)
    where = "intervals" if len(reports) == 1 else "compare_agreement"
    for name, rep in zip(("first", "second"), reports, strict=False):
        if by is not None and by not in rep.table.columns:
            which = "the report's" if len(reports) == 1 else f"the {name} report's"
            raise ValueError(
                f"{where}: by={by!r}: {which} table has no column {by!r} "
                f"({list(rep.table.columns)}); pass by=None to resample paragraphs"
            )
    units = _units(reports[0].table, by, stacklevel=3, where=where)
    names = _figure_names(reports)
    # each replicate's confusion matrix is the sum of those of the units it draws
    drawn = np.stack([np.bincount(d, minlength=len(units))
                      for d in _draws(len(units), n_boot, random_state)])  # fmt: skip
    k = len(CODES)
    reps = [
        _confusion_figures((drawn @ _unit_confusions(rep, units)).reshape(-1, k, k), names)
        for rep in reports
    ]
    return names, reps, len(units)


def _percentiles(reps: np.ndarray, ci: float, n_units: int) -> tuple[list[float], list[float]]:
    """The percentile interval of each column of ``reps`` (NaN replicates left out; none
    from a single unit, whose replicates are all the same)."""
    q = [(1 - ci) / 2, 1 - (1 - ci) / 2]
    lo, hi = [], []
    for col in reps.T:
        col = col[~np.isnan(col)]
        a, b = np.quantile(col, q) if len(col) and n_units > 1 else (np.nan, np.nan)
        lo.append(float(a))
        hi.append(float(b))
    return lo, hi


def _distance(a: str, b: str) -> int:
    if a == b:
        return 0
    if a in ORDER and b in ORDER:
        return abs(ORDER[a] - ORDER[b])
    return 3


def agreement(measure_labels: Any, codes: Any, *, text: Any = None) -> ValidationReport:
    """Compare measure labels with human codes.

    Parameters
    ----------
    measure_labels : sequence of str
        Labels from the measure (e.g. ``score_frames(...)["frame_label"]``).
    codes : sequence of str or DataFrame
        Human codes, same order and length; a DataFrame from :func:`read_codes` is accepted
        (its ``code`` column is used and its ``sample_id``, ``doc_id``, ``para_id`` and
        ``text`` are carried into :attr:`ValidationReport.table`).
    text : sequence of str, optional
        Texts shown by :meth:`ValidationReport.worst_disagreements`.

    Returns
    -------
    ValidationReport

    Notes
    -----
    The human codes are the reference ("truth") for precision and recall. Spearman's rho uses
    the ordinal scale stability (0) < mixed (1) < service_law (2); ``neither`` is off that scale
    and items where either side is ``neither`` are excluded from rho (but count in kappa, F1
    and the confusion matrix).
    """
    extra = pd.DataFrame()
    if isinstance(codes, pd.DataFrame):
        if "code" not in codes.columns:
            raise ValueError("codes: DataFrame has no 'code' column")
        keep = [c for c in ("sample_id", "doc_id", "para_id", "text") if c in codes.columns]
        extra = codes.loc[:, keep].reset_index(drop=True)
        codes = codes["code"]
    y_true = [str(c).strip().lower() for c in codes]
    y_pred = [str(c).strip().lower() for c in measure_labels]
    if len(y_true) != len(y_pred):
        raise ValueError(f"measure_labels ({len(y_pred)}) and codes ({len(y_true)}) differ")
    if not y_true:
        raise ValueError("codes: empty")
    for name, seq in (("codes", y_true), ("measure_labels", y_pred)):
        bad = sorted({c for c in seq if c not in CODES})
        if bad:
            raise ValueError(f"{name}: unknown label(s) {bad}; allowed {list(CODES)}")
    table = extra.copy()
    if text is not None:
        table["text"] = list(text)
    table["measure"] = y_pred
    table["code"] = y_true
    table["distance"] = [_distance(a, b) for a, b in zip(y_pred, y_true, strict=True)]
    fig = _figures(np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object))
    cm = metrics.confusion_matrix(y_true, y_pred, labels=list(CODES))
    confusion = pd.DataFrame(
        cm,
        index=pd.Index(CODES, name="code"),
        columns=pd.Index(CODES, name="measure"),
    )
    return ValidationReport(
        table=table,
        per_class=fig.pop("per_class"),
        confusion=confusion,
        **fig,
    )


def _figures(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """The figures of :class:`ValidationReport` (but the table and confusion) of one sample."""
    present = [c for c in CODES if c in set(y_true) | set(y_pred)]
    p, r, f, s = metrics.precision_recall_fscore_support(
        y_true, y_pred, labels=present, zero_division=0
    )
    per_class = pd.DataFrame(
        {"label": present, "precision": p, "recall": r, "f1": f, "support": s.astype(int)}
    )
    kappa = float(metrics.cohen_kappa_score(y_true, y_pred, labels=list(CODES)))
    ordered = [
        (ORDER[a], ORDER[b])
        for a, b in zip(y_pred, y_true, strict=True)
        if a in ORDER and b in ORDER
    ]
    rho, pval = float("nan"), float("nan")
    if len(ordered) >= 3:
        a, b = np.array(ordered).T
        if a.std() > 0 and b.std() > 0:
            res = stats.spearmanr(a, b)
            rho, pval = float(res.statistic), float(res.pvalue)
    return {
        "per_class": per_class,
        "macro_f1": float(np.mean(f)) if len(f) else float("nan"),
        "kappa": kappa,
        "spearman": rho,
        "spearman_p": pval,
        "n_ordered": len(ordered),
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
    }
