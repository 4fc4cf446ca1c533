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

from textkit.core import io as _io
from textkit.core.checks import check_int, check_number
from textkit.core.errors import CodingSheetError
from textkit.core.order import natural_order
from textkit.frames.agree import CODES, _percentiles, _resamples, _units

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
        One row per paragraph coded by every coder, in natural order of ``sample_id``:
        ``sample_id``, ``doc_id``, ``para_id``, ``text``, then ``coder_<name>`` (the code)
        and ``note_<name>`` of each coder, and ``agree`` (all codes the same).
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
        One row per code any coder used, in :data:`~textkit.frames.agree.CODES` order:
        ``code``, ``n_<name>`` (the paragraphs each coder gave it) and
        ``specific_agreement``: of the pairs of codings that involve the code, the share in
        which both coders gave it (for two coders ``2 n_both / (n_first + n_second)``).
    confusion : DataFrame
        Counts of the first two coders' codes: rows the first coder's, columns the
        second's, in :data:`~textkit.frames.agree.CODES` order.
    partial : DataFrame
        The paragraphs some coders did not code, left out of every figure: ``sample_id``,
        ``doc_id``, ``para_id`` and ``coded_by`` (the names that did, comma-separated).
    intervals : DataFrame
        Indexed by figure (``agreement``, ``kappa``, ``alpha`` and ``specific_<code>`` for
        each code of :attr:`per_code`): ``estimate``, the percentile interval ``lo`` /
        ``hi`` of the replicates that resample whole articles, and ``n_valid``, the
        replicates in which the figure is defined. ``attrs`` record ``unit``, ``n_units``,
        ``n_boot``, ``ci`` and ``random_state``.
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
    """One coder's codes, checked: ids, text, code (lower case) and note of each coded row."""
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
    bad = ~out["code"].isin(CODES)
    if bad.any():
        row = out[bad].iloc[0]
        raise CodingSheetError(
            f"{who}: {name}: sample {row['sample_id']!r}: code {row['code']!r} is not one of "
            f"{list(CODES)}"
        )
    para = pd.to_numeric(out["para_id"], errors="coerce")
    if (para.isna() | (para != para.round())).any():
        row = out[para.isna() | (para != para.round())].iloc[0]
        raise CodingSheetError(
            f"{who}: {name}: sample {row['sample_id']!r}: para_id {row['para_id']!r} is not "
            "an integer"
        )
    out["para_id"] = para.astype(int)
    twice = out.duplicated(["doc_id", "para_id"], keep=False)
    if twice.any():
        rows = out[twice]
        raise CodingSheetError(
            f"{who}: {name}: paragraph {rows['doc_id'].iloc[0]!r} para_id "
            f"{rows['para_id'].iloc[0]} is coded more than once (samples "
            f"{rows['sample_id'].tolist()[:_SHOWN]}); read the sheet with read_codes"
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
        raise ValueError(f"{who}: codes: {len(codes)} coder(s); agreement needs two or more")
    wide = None
    for name, df in codes.items():
        if not isinstance(name, str) or not name or name != name.strip():
            raise ValueError(f"{who}: coder name {name!r}: a non-empty name without spaces")
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
        Coder name -> that coder's coded table, as :func:`~textkit.frames.validate.read_codes`
        returns it (``sample_id``, ``doc_id``, ``para_id``, ``text``, ``code``, ``note``
        optional; a row with an empty code is not coded). Paragraphs are matched by
        ``doc_id`` and ``para_id``; ``sample_id`` and ``text`` are taken from the first
        coder that coded the paragraph.
    n_boot : int, default 1000
        Bootstrap replicates of :attr:`CoderReport.intervals`.
    ci : float, default 0.95
        Coverage of the percentile intervals.
    random_state : int, default 0
        Seed of the resampling; articles are taken in sorted order, so the same tables and
        seed give the same intervals anywhere.

    Returns
    -------
    CoderReport

    Raises
    ------
    CodingSheetError
        A table lacks a column, holds an unknown code or a non-integer ``para_id``, codes a
        paragraph twice, or two coders' tables give one ``doc_id`` and ``para_id``
        different texts (sheets of different builds of the corpus); the message names the
        coders and the rows.
    ValueError
        Fewer than two coders, or fewer than two paragraphs coded by all of them.

    Warns
    -----
    UserWarning
        Paragraphs coded by only some of the coders (listed in :attr:`CoderReport.partial`);
        fewer than 10 articles (the intervals say little).

    Notes
    -----
    Every figure, Krippendorff's alpha included, is computed on the paragraphs all coders
    coded, so that one ``n`` stands for all of them and the bootstrap resamples one set;
    alpha could use a paragraph that only some of three coders coded, but a paper then has
    to report which paragraphs each figure rests on. Alpha comes from the ``krippendorff``
    package, the kappas from :func:`sklearn.metrics.cohen_kappa_score`. The intervals
    resample whole articles (``doc_id``) with replacement, because the paragraphs of one
    article are read alike; a replicate in which every coder used one code only leaves
    kappa and alpha undefined there (``n_valid`` counts the others).

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

    units = _units(table, "doc_id", stacklevel=2)
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
        CSV path.

    Returns
    -------
    Path
        The sheet: ``sample_id``, ``doc_id``, ``para_id``, ``text``, each coder's
        ``coder_<name>`` and ``note_<name>``, and an empty ``code`` and ``note`` for the
        adjudicator, who reads the codebook of the coding sheet and writes the final code.
        :func:`~textkit.frames.validate.read_codes` reads it back, and :func:`merge_codes`
        takes it as ``adjudicated``. With no disagreement it holds the header only.

    Notes
    -----
    Written as :func:`~textkit.frames.validate.write_coding_sheet` writes a coding sheet:
    UTF-8 with a byte-order mark (Excel shows the Chinese), and a text starting with
    ``=``, ``+``, ``-`` or ``@`` is not run as a formula.
    """
    sheet = report.disagreements.assign(code="", note="")
    return _io.write_csv(Path(path), sheet, bom=True, spreadsheet_safe=True)


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
        One row per paragraph coded by every coder, in natural order of ``sample_id``:
        ``sample_id``, ``doc_id``, ``para_id``, ``text``, ``code``, ``note`` (the
        adjudicator's note where adjudicated, else the first coder's non-empty note) and
        ``coder_<name>``, each coder's code, as in the shipped ``coded_paragraphs.csv``
        (coders ``a`` and ``b``). :func:`split_coders` takes it apart again.

    Raises
    ------
    CodingSheetError
        As :func:`coder_agreement`; a disagreement without an adjudicated code (the message
        names each such paragraph: sample_id, doc_id and para_id); an adjudicated row of a
        paragraph the coders agree on or did not all code, or whose text differs from the
        coders'.
    ValueError
        Fewer than two coders.

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
    (:func:`~textkit.frames.validate.load_coded_paragraphs`, columns ``coder_a`` and
    ``coder_b``) gives the tables of its two passes, ready for :func:`coder_agreement`.

    Parameters
    ----------
    table : DataFrame
        ``sample_id``, ``doc_id``, ``para_id``, ``text`` and ``coder_<name>`` columns
        (``note_<name>`` too, as in :attr:`CoderReport.table`, optional).

    Returns
    -------
    dict of str to DataFrame
        Coder name -> ``sample_id``, ``doc_id``, ``para_id``, ``text``, ``code``, ``note``
        (``note_<name>``, else empty), the rows that coder coded, in the columns' order;
        empty when the table has no ``coder_<name>`` column (a one-coder sheet).

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
