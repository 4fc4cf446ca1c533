"""Agreement between coders of the same paragraphs, and adjudication of their disagreements.

Before hand codes are trusted, content analysis reports how far independent coders agree.
Two or more coders code the same sheet of
:func:`~textkit.frames.validate.write_coding_sheet` without seeing each other's codes;
:func:`coder_agreement` matches their sheets paragraph by paragraph (``doc_id`` and
``para_id``) and returns a :class:`CoderReport`: the number of paragraphs, percent
agreement, Cohen's kappa of each pair of coders, Krippendorff's alpha (nominal) over all
coders and the specific agreement of each code, each with a percentile bootstrap interval
that resamples whole articles, as :meth:`~textkit.frames.agree.ValidationReport.intervals`
does. :func:`write_adjudication_sheet` writes the disagreements as a sheet for a third
reader, and :func:`merge_codes` gives the final coded table: the shared code where the
coders agree, the adjudicated one where they do not, and each coder's code in a
``coder_<name>`` column. :func:`split_coders` takes such a table apart again into the
coders' tables; the shipped ``resources/coded_paragraphs.csv`` holds its two passes as
``coder_a`` and ``coder_b``, which agree on 706 of its 754 paragraphs (94 %, Cohen's
kappa 0.91, Krippendorff's alpha 0.91).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import warnings
from collections.abc import Mapping
from itertools import combinations
from pathlib import Path
from typing import Any

import krippendorff
import numpy as np
import pandas as pd
from sklearn import metrics

from textkit.core.checks import check_int, check_number
from textkit.core.errors import CodingSheetError, InvalidParameterError
from textkit.core.order import natural_order
from textkit.frames.agree import CODES, _percentiles, _resamples, _units
from textkit.frames.sheets import write_sheet

__all__ = [
    "CoderReport",
    "coder_agreement",
    "merge_codes",
    "split_coders",
    "write_adjudication_sheet",
]

logger = logging.getLogger(__name__)

_IDS = ["sample_id", "doc_id", "para_id", "text"]
#: Paragraphs named in full in an error or warning; the rest are counted.
_SHOWN = 10


@dataclasses.dataclass(frozen=True)
class CoderReport:
    """Agreement of two or more coders on the paragraphs they all coded.

    Attributes
    ----------
    coders : tuple of str
        The coders' names, in the order given.
    table : DataFrame
        One row per paragraph every coder coded, in natural order of ``sample_id``:
        ``sample_id``, ``doc_id``, ``para_id``, ``text``, each coder's ``coder_<name>``
        (code) and ``note_<name>``, and ``agree`` (all codes the same).
    agreement : float
        Share of the paragraphs on which all coders gave the same code.
    kappa : float
        Cohen's kappa of the two coders; with more, the mean of the pairs' kappas (Light's
        kappa). NaN when no coder varies.
    alpha : float
        Krippendorff's alpha, nominal, over all coders and the paragraphs of :attr:`table`.
    pairs : DataFrame
        One row per pair of coders: ``coder_1``, ``coder_2``, ``n``, ``n_agree``,
        ``agreement``, ``kappa``.
    per_code : DataFrame
        One row per code used, in :data:`~textkit.frames.agree.CODES` order: ``code``,
        ``n_<name>`` (paragraphs each coder gave it) and ``specific_agreement``, the share
        of the pairs of codings involving the code in which both give it (two coders:
        ``2 n_both / (n_first + n_second)``).
    confusion : DataFrame
        Counts of the first coder's codes (rows) against the second's (columns).
    partial : DataFrame
        Paragraphs some coders did not code, left out of every figure: ``sample_id``,
        ``doc_id``, ``para_id``, ``coded_by`` (the names that did, comma-separated).
    intervals : DataFrame
        By figure (``agreement``, ``kappa``, ``alpha``, ``specific_<code>``): ``estimate``,
        the percentile interval ``lo`` / ``hi`` of replicates that resample whole articles,
        ``n_valid`` (replicates where it is defined); ``attrs`` as
        :meth:`~textkit.frames.agree.ValidationReport.intervals`.
    """

    coders: tuple[str, ...]
    table: pd.DataFrame
    agreement: float
    kappa: float
    alpha: float
    pairs: pd.DataFrame
    per_code: pd.DataFrame
    confusion: pd.DataFrame
    partial: pd.DataFrame
    intervals: pd.DataFrame

    @property
    def disagreements(self) -> pd.DataFrame:
        """The rows of :attr:`table` on which the coders differ, each coder's code and note."""
        return self.table[~self.table["agree"]].drop(columns="agree")

    def summary(self) -> dict[str, Any]:
        """Headline figures as a flat dict: n, n_articles, n_partial, n_disagreements,
        agreement, kappa, alpha."""
        return {
            "n": len(self.table),
            "n_articles": int(self.table["doc_id"].nunique()),
            "n_partial": len(self.partial),
            "n_disagreements": int((~self.table["agree"]).sum()),
            "agreement": self.agreement,
            "kappa": self.kappa,
            "alpha": self.alpha,
        }


def _coder_table(name: str, df: Any, who: str) -> pd.DataFrame:
    """One coder's coded rows, checked: ids, text, code (lower case) and note."""
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"{who}: {name}: a coded table (DataFrame), not {type(df).__name__}")
    missing = [c for c in (*_IDS, "code") if c not in df.columns]
    if missing:
        raise CodingSheetError(f"{who}: {name}: missing column(s) {missing}")
    out = df.loc[:, _IDS].astype(str).apply(lambda col: col.str.strip())
    out["text"] = df["text"].astype(str)
    out["code"] = df["code"].fillna("").astype(str).str.strip().str.lower()
    out["note"] = df["note"].fillna("").astype(str) if "note" in df.columns else ""
    out = out[out["code"] != ""].reset_index(drop=True)  # not coded (yet)
    bad = out[~out["code"].isin(CODES)]
    if len(bad):
        raise CodingSheetError(
            f"{who}: {name}: sample {bad['sample_id'].iloc[0]!r}: code "
            f"{bad['code'].iloc[0]!r} is not one of {list(CODES)}"
        )
    para = pd.to_numeric(out["para_id"], errors="coerce")
    bad = out[para.isna() | (para % 1 != 0)]
    if len(bad):
        raise CodingSheetError(
            f"{who}: {name}: sample {bad['sample_id'].iloc[0]!r}: para_id "
            f"{bad['para_id'].iloc[0]!r} is not an integer"
        )
    out["para_id"] = para.astype(int)
    twice = out[out.duplicated(["doc_id", "para_id"], keep=False)]
    if len(twice):
        raise CodingSheetError(
            f"{who}: {name}: paragraph(s) coded more than once: {_named(twice)}; read each "
            "sheet with read_codes"
        )
    return out


def _named(rows: pd.DataFrame) -> str:
    """``sample (doc_id, para_id)`` of the first rows, and how many more."""
    shown = [f"{s} ({d}, {p})" for s, d, p in rows[["sample_id", "doc_id", "para_id"]].values]
    more = f" and {len(shown) - _SHOWN} more" if len(shown) > _SHOWN else ""
    return ", ".join(shown[:_SHOWN]) + more


def _matched(codes: Any, who: str) -> tuple[tuple[str, ...], pd.DataFrame, pd.DataFrame]:
    """The coders, the paragraphs they all coded (:attr:`CoderReport.table`) and the
    paragraphs only some coded (:attr:`CoderReport.partial`, with a warning)."""
    if not isinstance(codes, Mapping):
        raise TypeError(f"{who}: codes: a mapping coder name -> coded table, not {type(codes)}")
    if len(codes) < 2:
        raise InvalidParameterError(
            f"{who}: codes: {len(codes)} coder(s) ({', '.join(map(str, codes)) or 'none'}); "
            "agreement needs the sheets of two or more coders, e.g. {'a': sheet_a, 'b': sheet_b}"
        )
    wide = None
    for name, df in codes.items():
        if not isinstance(name, str) or not name or name != name.strip():
            raise ValueError(
                f"{who}: coder name {name!r}: a non-empty name without surrounding spaces"
            )
        part = _coder_table(f"coder {name!r}", df, who).rename(
            columns={c: f"{c}_{name}" for c in ("sample_id", "text", "note")}
        )
        part = part.rename(columns={"code": f"coder_{name}"})
        wide = part if wide is None else wide.merge(part, on=["doc_id", "para_id"], how="outer")
    coders = tuple(codes)
    for one, two in combinations(coders, 2):
        a, b = wide[f"text_{one}"], wide[f"text_{two}"]
        differ = a.notna() & b.notna() & (a.str.strip() != b.str.strip())
        if differ.any():
            rows = wide[differ].assign(sample_id=wide.loc[differ, f"sample_id_{one}"])
            raise CodingSheetError(
                f"{who}: coders {one!r} and {two!r} have different texts for "
                f"{int(differ.sum())} paragraph(s) of the same doc_id and para_id: "
                f"{_named(rows)} (samples of {one!r}); the sheets come from different builds "
                "of the corpus: code one sheet, or re-align them with align_codes"
            )
    for col in ("sample_id", "text"):
        wide[col] = wide[[f"{col}_{c}" for c in coders]].bfill(axis=1).iloc[:, 0]
    wide = wide.sort_values(["doc_id", "para_id"], kind="mergesort").reset_index(drop=True)
    wide = wide.iloc[natural_order(wide["sample_id"])].reset_index(drop=True)
    coded = wide[[f"coder_{c}" for c in coders]].notna()
    partial = wide.loc[~coded.all(axis=1), ["sample_id", "doc_id", "para_id"]].copy()
    partial["coded_by"] = [
        ", ".join(c for c, done in zip(coders, row, strict=True) if done)
        for row in coded[~coded.all(axis=1)].to_numpy()
    ]
    if len(partial):
        warnings.warn(
            f"{who}: {len(partial)} paragraph(s) not coded by every coder are left out: "
            + _named(partial),
            UserWarning,
            stacklevel=3,
        )
    table = wide[coded.all(axis=1)].reset_index(drop=True)
    table = table[[*_IDS, *(f"{p}_{c}" for c in coders for p in ("coder", "note"))]].copy()
    codes_now = table[[f"coder_{c}" for c in coders]].to_numpy(object)
    table["agree"] = (codes_now == codes_now[:, :1]).all(axis=1)
    return coders, table, partial.reset_index(drop=True)


def _figures(m: np.ndarray) -> dict[str, Any]:
    """Agreement, pair kappas, their mean, alpha and per-code specific agreement of a
    (paragraphs x coders) array of code positions in :data:`CODES`."""
    k = m.shape[1]
    labels = list(range(len(CODES)))
    kappas = [
        float(metrics.cohen_kappa_score(m[:, i], m[:, j], labels=labels))
        for i, j in combinations(range(k), 2)
    ]
    alpha = float("nan")
    if len(np.unique(m)) > 1:  # one code throughout: alpha is 0 / 0
        alpha = float(
            krippendorff.alpha(
                reliability_data=m.T, value_domain=labels, level_of_measurement="nominal"
            )
        )
    counts = np.stack([(m == c).sum(axis=1) for c in labels], axis=1)  # paragraphs x codes
    both = (counts * (counts - 1)).sum(axis=0)
    involving = (counts * (k - 1)).sum(axis=0)
    return {
        "agreement": float((m == m[:, :1]).all(axis=1).mean()),
        "kappas": kappas,
        "kappa": float(np.mean(kappas)),
        "alpha": alpha,
        "specific": np.divide(both, involving, out=np.full(len(labels), np.nan),
                              where=involving > 0),
    }  # fmt: skip


def coder_agreement(
    codes: Mapping[str, pd.DataFrame],
    *,
    n_boot: int = 1000,
    ci: float = 0.95,
    random_state: int = 0,
) -> CoderReport:
    """Agreement of two or more coders who coded the same paragraphs independently.

    Parameters
    ----------
    codes : mapping of str to DataFrame
        Coder name -> coded table, as :func:`~textkit.frames.validate.read_codes` returns
        it (a row with an empty code is not coded). Paragraphs are matched by ``doc_id``
        and ``para_id``; ``sample_id`` and ``text`` come from the first coder listed.
    n_boot, ci, random_state
        Replicates, coverage and seed of :attr:`CoderReport.intervals`, as
        :meth:`~textkit.frames.agree.ValidationReport.intervals` (articles in sorted order:
        the same tables and seed give the same intervals anywhere).

    Returns
    -------
    CoderReport

    Raises
    ------
    CodingSheetError
        A table lacks a column, holds an unknown code or a non-integer ``para_id`` or codes
        a paragraph twice; two coders' tables give one ``doc_id`` and ``para_id`` different
        texts (sheets of different corpus builds: the coders and rows are named).
    ValueError
        Fewer than two coders, or fewer than two paragraphs coded by all of them.

    Warns
    -----
    UserWarning
        Paragraphs coded by only some of the coders (listed in :attr:`CoderReport.partial`);
        fewer than 10 articles (the intervals say little).

    Notes
    -----
    Every figure, Krippendorff's alpha included, rests on the paragraphs all coders coded,
    so one ``n`` stands for all of them (alpha could use a paragraph two of three coders
    coded, but a paper would then have to say which paragraphs each figure rests on).
    Alpha is the ``krippendorff`` package's, the kappas
    :func:`sklearn.metrics.cohen_kappa_score`'s. The intervals resample whole articles,
    whose paragraphs are read alike; in a replicate where one code is used throughout,
    kappa and alpha are undefined (``n_valid`` counts the others).

    Examples
    --------
    >>> rows = {"sample_id": ["S1", "S2", "S3"], "doc_id": ["d1", "d1", "d2"],
    ...         "para_id": [0, 1, 0], "text": ["甲", "乙", "丙"]}
    >>> a = pd.DataFrame({**rows, "code": ["stability", "neither", "service_law"]})
    >>> b = pd.DataFrame({**rows, "code": ["stability", "neither", "stability"]})
    >>> rep = coder_agreement({"a": a, "b": b}, n_boot=10)
    >>> round(rep.agreement, 2)
    0.67
    """
    check_int("n_boot", n_boot, 1)
    check_number("ci", ci, 0.0, 1.0)
    check_int("random_state", random_state, 0)
    coders, table, partial = _matched(codes, "coder_agreement")
    if len(table) < 2:
        raise ValueError(
            f"coder_agreement: {len(table)} paragraph(s) coded by all of {list(coders)}; "
            "agreement needs at least 2 (are the sheets of the same sample?)"
        )
    position = {c: i for i, c in enumerate(CODES)}
    m = np.stack([table[f"coder_{c}"].map(position).to_numpy(int) for c in coders], axis=1)
    fig = _figures(m)
    used = [i for i in range(len(CODES)) if (m == i).any()]
    names = ["agreement", "kappa", "alpha", *(f"specific_{CODES[i]}" for i in used)]

    def flat(f: dict[str, Any]) -> list[float]:
        return [f["agreement"], f["kappa"], f["alpha"], *f["specific"][used]]

    units = _units(table, "doc_id", stacklevel=2, where="coder_agreement")
    reps = np.full((n_boot, len(names)), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kappa and alpha of a replicate with one code
        for b, idx in enumerate(_resamples(units, n_boot, random_state)):
            reps[b] = flat(_figures(m[idx]))
    lo, hi = _percentiles(reps, ci, len(units))
    intervals = pd.DataFrame(
        {"estimate": flat(fig), "lo": lo, "hi": hi, "n_valid": (~np.isnan(reps)).sum(axis=0)},
        index=pd.Index(names, name="figure"),
    )
    intervals.attrs.update(
        unit="doc_id", n_units=len(units), n_boot=n_boot, ci=ci, random_state=random_state
    )
    pairs = pd.DataFrame(
        [
            {"coder_1": one, "coder_2": two, "n": len(m),
             "n_agree": int((m[:, i] == m[:, j]).sum()),
             "agreement": float((m[:, i] == m[:, j]).mean())}
            for (i, one), (j, two) in combinations(enumerate(coders), 2)
        ]
    ).assign(kappa=fig["kappas"])  # fmt: skip
    per_code = pd.DataFrame({"code": [CODES[i] for i in used]})
    for j, c in enumerate(coders):
        per_code[f"n_{c}"] = [int((m[:, j] == i).sum()) for i in used]
    per_code["specific_agreement"] = fig["specific"][used]
    first, second = (table[f"coder_{c}"] for c in coders[:2])
    confusion = pd.DataFrame(
        metrics.confusion_matrix(first, second, labels=list(CODES)),
        index=pd.Index(CODES, name=f"coder_{coders[0]}"),
        columns=pd.Index(CODES, name=f"coder_{coders[1]}"),
    )
    logger.info(
        "coder_agreement: %d paragraphs of %d articles, agreement %.3f, alpha %.3f",
        len(table), len(units), fig["agreement"], fig["alpha"],
    )  # fmt: skip
    return CoderReport(
        coders=coders,
        table=table,
        agreement=fig["agreement"],
        kappa=fig["kappa"],
        alpha=fig["alpha"],
        pairs=pairs,
        per_code=per_code,
        confusion=confusion,
        partial=partial,
        intervals=intervals,
    )


def write_adjudication_sheet(report: CoderReport, path: str | os.PathLike) -> Path:
    """Write the coders' disagreements as a sheet for the adjudicator.

    Parameters
    ----------
    report : CoderReport
        From :func:`coder_agreement`.
    path : path-like
        The sheet's path: ``.xlsx`` a workbook with the drop-down of the codes on ``code``
        (as :func:`~textkit.frames.validate.write_coding_sheet` writes), ``.csv`` (or
        ``.txt``) a CSV; any other suffix is refused.

    Returns
    -------
    Path
        The sheet: ``sample_id``, ``doc_id``, ``para_id``, ``text``, each coder's
        ``coder_<name>`` and ``note_<name>``, and an empty ``code`` and ``note`` where the
        adjudicator, with the codebook, writes the final code; read it back with
        :func:`~textkit.frames.validate.read_codes` for :func:`merge_codes`. With no
        disagreement it holds the header only.

    Notes
    -----
    Written as :func:`~textkit.frames.validate.write_coding_sheet` writes: a CSV with a
    byte-order mark, and spreadsheet-safe; a workbook with the same bytes on every write.
    """
    sheet = report.disagreements.assign(code="", note="")
    return write_sheet(sheet, Path(path))


def merge_codes(
    codes: Mapping[str, pd.DataFrame], adjudicated: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The final coded table: the shared code where the coders agree, else the adjudicated.

    Parameters
    ----------
    codes : mapping of str to DataFrame
        As :func:`coder_agreement`.
    adjudicated : DataFrame, optional
        The adjudication sheet of :func:`write_adjudication_sheet` with its ``code`` filled,
        as :func:`~textkit.frames.validate.read_codes` returns it. Not needed when the
        coders agree throughout.

    Returns
    -------
    DataFrame
        One row per paragraph every coder coded, in natural order of ``sample_id``:
        ``sample_id``, ``doc_id``, ``para_id``, ``text``, ``code``, ``note`` (the
        adjudicator's where adjudicated, else the first coder's non-empty note) and each
        coder's ``coder_<name>``, as the shipped ``coded_paragraphs.csv`` (coders ``a``
        and ``b``).

    Raises
    ------
    CodingSheetError
        As :func:`coder_agreement`; a disagreement without an adjudicated code (each such
        paragraph named: sample_id, doc_id, para_id); an adjudicated row of a paragraph
        that is not a disagreement, or whose text differs from the coders'.

    Warns
    -----
    UserWarning
        Paragraphs coded by only some of the coders are left out.
    """
    coders, table, _ = _matched(codes, "merge_codes")
    code = table[f"coder_{coders[0]}"].copy()
    notes = table[[f"note_{c}" for c in coders]].replace("", np.nan)
    note = notes.bfill(axis=1).iloc[:, 0].fillna("")
    open_ = ~table["agree"]
    if adjudicated is not None:
        adj = _coder_table("the adjudicated sheet", adjudicated, "merge_codes")
        found = table.reset_index().merge(
            adj, on=["doc_id", "para_id"], how="right", suffixes=("", "_adj")
        )
        known = found["index"].notna().to_numpy()
        stray = ~known  # not a paragraph every coder coded, or one they agree on
        stray[known] = ~open_.to_numpy()[found["index"][known].astype(int)]
        if stray.any():
            rows = found[stray].assign(sample_id=found.loc[stray, "sample_id_adj"])
            raise CodingSheetError(
                f"merge_codes: the adjudicated sheet codes {int(stray.sum())} paragraph(s) "
                f"that are not disagreements of coders {list(coders)}: {_named(rows)}; "
                "adjudicate the rows of write_adjudication_sheet only"
            )
        differ = found["text"].str.strip() != found["text_adj"].str.strip()
        if differ.any():
            raise CodingSheetError(
                "merge_codes: the adjudicated sheet and the coders give different texts for "
                f"{_named(found[differ])}; adjudicate the sheet of these coders' tables"
            )
        at = found["index"].astype(int).to_numpy()
        code.iloc[at] = found["code"].to_numpy()
        note.iloc[at] = found["note"].to_numpy()
        open_.iloc[at] = False
    if open_.any():
        raise CodingSheetError(
            f"merge_codes: {int(open_.sum())} disagreement(s) of coders {list(coders)} have "
            f"no adjudicated code: {_named(table[open_])}; fill their code in the "
            "adjudication sheet (write_adjudication_sheet) and pass it as adjudicated"
        )
    out = table[_IDS].assign(code=code, note=note)
    for c in coders:
        out[f"coder_{c}"] = table[f"coder_{c}"]
    return out


def split_coders(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Each coder's coded table, from a table with a ``coder_<name>`` column per coder.

    The inverse of :func:`merge_codes`: the shipped coded set
    (:func:`~textkit.frames.validate.load_coded_paragraphs`, ``coder_a`` and ``coder_b``)
    gives its two passes, ready for :func:`coder_agreement`.

    Parameters
    ----------
    table : DataFrame
        ``sample_id``, ``doc_id``, ``para_id``, ``text``, ``coder_<name>`` columns and,
        optional, ``note_<name>`` (as :attr:`CoderReport.table`).

    Returns
    -------
    dict of str to DataFrame
        Coder name -> the rows that coder coded: ``sample_id``, ``doc_id``, ``para_id``,
        ``text``, ``code``, ``note``; empty without a ``coder_<name>`` column.

    Raises
    ------
    CodingSheetError
        A column of ``sample_id``, ``doc_id``, ``para_id``, ``text`` is missing.
    """
    missing = [c for c in _IDS if c not in table.columns]
    if missing:
        raise CodingSheetError(f"split_coders: missing column(s) {missing}")
    out = {}
    for col in table.columns:
        name = str(col).removeprefix("coder_")
        if not str(col).startswith("coder_") or not name:
            continue
        one = table.loc[:, _IDS].copy()
        one["code"] = table[col].fillna("").astype(str).str.strip().str.lower()
        one["note"] = table[f"note_{name}"] if f"note_{name}" in table.columns else ""
        out[name] = one[one["code"] != ""].reset_index(drop=True)
    return out
