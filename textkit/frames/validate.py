"""Hand-coding validation of the frame measure.

A dictionary measure is only as good as its agreement with careful human reading. This stage
supports the usual workflow:

1. :func:`draw_validation_sample` draws a stratified random sample of paragraphs (strata: the
   measure's paragraph label x source page) with an empty ``code`` column;
2. :func:`write_coding_sheet` writes it as a coding sheet (CSV, or an Excel workbook with a
   drop-down list of the codes) plus a short codebook;
3. a human codes each paragraph as ``stability``, ``service_law``, ``mixed`` or ``neither``;
4. :func:`read_codes` reads the coded sheet back and checks it (clear errors naming the file,
   line or row and value; a paragraph coded twice is an error naming both lines when the
   codes differ, and the repeat is dropped with a logged warning when they agree); both
   are in :mod:`textkit.frames.sheets`, re-exported here;
5. :func:`agreement` compares measure labels with the codes (per-class precision / recall / F1,
   macro-F1, Cohen's kappa, Spearman rank correlation on the ordered labels, confusion matrix)
   and :meth:`ValidationReport.worst_disagreements` lists the most distant disagreements,
   :meth:`ValidationReport.intervals` their bootstrap intervals by article (both in
   :mod:`textkit.frames.agree`, re-exported here);
   :func:`validate_measure` does steps 4-5 for the paragraph-level dictionary measure
   (finding the coded paragraphs in the corpus by their ids, else by their text, scoring
   the paragraphs, comparing).

:func:`sample_config` reads the sampling settings from the ``[validation]`` table of
``textkit.toml``.

:mod:`textkit.frames.supervised` learns a classifier from the codes,
:mod:`textkit.frames.crossval` cross-validates it next to the dictionary, and
:mod:`textkit.frames.active` suggests the paragraphs to code next.

The package ships an example coding, ``resources/coded_paragraphs.csv`` (see its data card),
loaded by :func:`load_coded_paragraphs`.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import warnings
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.checks import check_int, check_str
from textkit.core.config import StageConfig
from textkit.core.errors import CodingSheetError
from textkit.core.order import natural_order
from textkit.frames.agree import CODES, ORDER, ValidationReport, agreement
from textkit.frames.sheets import CODEBOOK, REQUIRED_COLUMNS, read_codes, write_coding_sheet

__all__ = [
    "CODES",
    "CODEBOOK",
    "ORDER",
    "REQUIRED_COLUMNS",
    "SampleConfig",
    "ValidationReport",
    "agreement",
    "align_codes",
    "checked_codes",
    "draw_validation_sample",
    "load_coded_paragraphs",
    "read_codes",
    "sample_config",
    "validate_measure",
    "write_coding_sheet",
]

logger = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class SampleConfig(StageConfig):
    """Options of :func:`draw_validation_sample`.

    Attributes
    ----------
    n : int, default 60
        Target sample size (allocated to strata as evenly as possible).
    by : str, default "frame_label"
        Measure column giving the paragraph label (first stratification variable).
    min_chars : int, default 20
        Paragraphs shorter than this are not sampled (headings, list stubs).
    random_state : int, default 0
        Seed of the sampler.
    """

    table = "validation"

    n: int = 60
    by: str = "frame_label"
    min_chars: int = 20
    random_state: int = 0

    def __post_init__(self) -> None:
        check_int("n", self.n, 1)
        check_str("by", self.by)
        check_int("min_chars", self.min_chars, 0)
        check_int("random_state", self.random_state)


def sample_config(project: Any = None, **overrides: Any) -> SampleConfig:
    """``SampleConfig.from_project(project, **overrides)``: the ``[validation]`` table of ``textkit.toml``
    (raises ``ConfigError`` naming the file, table and key of an invalid setting).

    See Also
    --------
    textkit.core.config.StageConfig.from_project
    """
    return SampleConfig.from_project(project, **overrides)


def _paragraphs(docs: pd.DataFrame) -> pd.DataFrame:
    """Non-empty paragraphs of ``docs`` with 0-based ``para_id`` (as in the units table)."""
    from textkit.segment.units import split_paragraphs

    rows = []
    for doc_id, text in zip(docs["doc_id"], docs["text"], strict=True):
        for i, para in enumerate(split_paragraphs(str(text))):
            rows.append((str(doc_id), i, para))
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "text"])


def _text_key(text: Any) -> str:
    """A paragraph's text without whitespace: what identifies it across rebuilds and copies."""
    return "".join(str(text).split())


def _allocate(sizes: dict[Any, int], total: int, rng: np.random.Generator) -> dict[Any, int]:
    """``total`` draws spread over the keys of ``sizes`` as evenly as possible, each capped
    by its size (a key with fewer items than its share gives them all and the rest goes to
    the others); the draws left when they do not divide evenly go to keys chosen at random,
    so no key is favoured by its place in the sort order."""
    alloc = dict.fromkeys(sizes, 0)
    remaining = min(total, sum(sizes.values()))
    while remaining > 0:
        open_keys = [k for k in sizes if alloc[k] < sizes[k]]
        share = remaining // len(open_keys)
        if not share:  # fewer draws left than open keys, each with room: one each, at random
            for i in rng.permutation(len(open_keys))[:remaining]:
                alloc[open_keys[i]] += 1
            break
        for k in open_keys:
            take = min(share, sizes[k] - alloc[k])
            alloc[k] += take
            remaining -= take
    return alloc


def draw_validation_sample(
    docs: pd.DataFrame,
    n: int = 60,
    by: str = "frame_label",
    random_state: int = 0,
    *,
    scores: pd.DataFrame | None = None,
    min_chars: int = 20,
    config: SampleConfig | None = None,
) -> pd.DataFrame:
    """Draw a stratified random sample of paragraphs for hand-coding.

    Strata are (paragraph label of the measure) x (source page, the part of ``doc_id``
    before ``#``: a researcher's file or table row is its own page). The ``n`` draws are
    allocated to the labels as evenly as possible, so rare labels such as ``mixed`` are not
    swamped by ``neither``, then the draws of each label to its pages as evenly as possible
    (a stratum smaller than its share gives all its paragraphs and the rest is spread over
    the others); draws that do not divide evenly go to strata chosen at random. With more
    pages than draws, a label's draws thus go to pages chosen at random, one each.

    A paragraph text found in several documents (a templated paragraph; whitespace aside)
    is one unit of the sample, so a coder never codes the same text twice: only its first
    copy in ``doc_id``, ``para_id`` order is eligible (with that copy's label and page).
    The sample thus stands for the distinct paragraphs of the corpus.

    Parameters
    ----------
    docs : DataFrame
        Documents table (``doc_id``, ``text``; paragraphs separated by newlines). Not modified.
    n : int, default 60
        Sample size (fewer, with a ``UserWarning``, if the corpus has fewer eligible
        paragraphs).
    by : str, default "frame_label"
        Label column of ``scores`` used as the first stratification variable.
    random_state : int, default 0
        Seed; the same inputs and seed give the same sample.
    scores : DataFrame, optional
        Paragraph-level measure with ``doc_id``, ``para_id`` and ``by``. Default:
        ``textkit.frames.score.score_frames(docs, level="paragraph")``.
    min_chars : int, default 20
        Skip shorter paragraphs.
    config : SampleConfig, optional
        When given (e.g. from :func:`sample_config`), its fields replace ``n``, ``by``,
        ``min_chars`` and ``random_state``.

    Returns
    -------
    DataFrame
        ``sample_id`` (``S001`` …), ``doc_id``, ``para_id``, ``text``, ``<by>`` (the measure's
        label, to be hidden from coders — :func:`write_coding_sheet` drops it), ``code`` (empty),
        ``note`` (empty); sorted by doc_id, para_id.
    """
    if config is not None and not isinstance(config, SampleConfig):
        raise ValueError(f"config: expected a SampleConfig, got {type(config).__name__}")
    cfg = config or SampleConfig(n=n, by=by, min_chars=min_chars, random_state=random_state)
    for col in ("doc_id", "text"):
        if col not in docs.columns:
            raise ValueError(f"docs: missing column {col!r}")
    paras = _paragraphs(docs)
    if scores is None:
        from textkit.frames.score import score_frames

        scores = score_frames(docs.loc[:, ["doc_id", "text"]], level="paragraph")
    for col in ("doc_id", "para_id", cfg.by):
        if col not in scores.columns:
            raise ValueError(f"scores: missing column {col!r} (by={cfg.by!r})")
    lab = scores.loc[:, ["doc_id", "para_id", cfg.by]].copy()
    lab["doc_id"] = lab["doc_id"].astype(str)
    lab["para_id"] = lab["para_id"].astype(int)
    pool = paras.merge(lab, on=["doc_id", "para_id"], how="inner", validate="one_to_one")
    pool = pool[pool["text"].str.len() >= cfg.min_chars]
    pool = pool.assign(_page=pool["doc_id"].str.split("#").str[0])
    pool = pool.sort_values("para_id", kind="mergesort")
    pool = pool.iloc[natural_order(pool["doc_id"])]  # stable: para_id order within a document
    # a text in several documents is one unit, drawn as its first copy: coded once
    pool = pool[~pool["text"].map(_text_key).duplicated()].reset_index(drop=True)
    groups = {k: g.index.to_numpy() for k, g in pool.groupby([cfg.by, "_page"], sort=True)}
    keys = sorted(groups)
    # labels first, then the pages of each label, each as evenly as possible; the seeded
    # allocation stream is apart from the draws' stream
    spread = np.random.default_rng([cfg.random_state, 1])
    labels = sorted({k[0] for k in keys})
    label_sizes = {lab: sum(len(groups[k]) for k in keys if k[0] == lab) for lab in labels}
    if len(pool) < cfg.n:
        warnings.warn(
            f"draw_validation_sample: n={cfg.n}, but the corpus has {len(pool)} eligible "
            f"paragraph(s) (distinct texts of at least min_chars={cfg.min_chars} characters, "
            "each with a label): all of them are drawn",
            UserWarning,
            stacklevel=2,
        )
    per_label = _allocate(label_sizes, min(cfg.n, len(pool)), spread)
    alloc: dict[Any, int] = {}
    for label, total in per_label.items():
        pages = {k: len(groups[k]) for k in keys if k[0] == label}
        alloc.update(_allocate(pages, total, spread))
    rng = np.random.default_rng(cfg.random_state)
    chosen: list[int] = []
    for k in keys:
        if alloc[k]:
            chosen.extend(rng.choice(groups[k], size=alloc[k], replace=False).tolist())
    out = pool.loc[sorted(chosen)].drop(columns="_page").reset_index(drop=True)
    out.insert(0, "sample_id", [f"S{i + 1:03d}" for i in range(len(out))])
    out["code"] = ""
    out["note"] = ""
    return out.loc[:, ["sample_id", "doc_id", "para_id", "text", cfg.by, "code", "note"]]


def load_coded_paragraphs(path: str | os.PathLike | None = None) -> pd.DataFrame:
    """Load the shipped example coding (or a user file) through :func:`read_codes`.

    Parameters
    ----------
    path : path-like, optional
        Default: package data ``textkit/resources/coded_paragraphs.csv``.

    Returns
    -------
    DataFrame
    """
    if path is not None:
        return read_codes(path)
    ref = resources.files("textkit.resources").joinpath("coded_paragraphs.csv")
    with resources.as_file(ref) as p:
        return read_codes(p)


@dataclasses.dataclass
class _ParagraphIndex:
    """The paragraphs of a corpus by id and by text (exact and whitespace-free), in corpus order."""

    by_id: dict[tuple[str, int], str]
    exact: dict[str, list[tuple[str, int]]]
    loose: dict[str, list[tuple[str, int]]]

    @classmethod
    def of(cls, docs: pd.DataFrame) -> _ParagraphIndex:
        paras = _paragraphs(docs)
        index = cls({}, {}, {})
        for d, p, t in zip(paras["doc_id"], paras["para_id"], paras["text"], strict=True):
            key = _text_key(t)
            index.by_id[(d, int(p))] = key
            index.exact.setdefault(t, []).append((d, int(p)))
            index.loose.setdefault(key, []).append((d, int(p)))
        return index

    def locate(self, doc_id: str, para_id: int, text: str) -> tuple[tuple[str, int] | None, str]:
        """Where a coded paragraph is, and how it was found: ``"id"`` (its own id still holds
        the text), ``"text"`` (one paragraph has the text), ``"ambiguous"`` (several have
        it: the first in the same document, else the first in the corpus) or ``"none"``."""
        own = (doc_id, para_id)
        if self.by_id.get(own) == _text_key(text):
            return own, "id"
        hits = self.exact.get(text) or self.loose.get(_text_key(text))
        if not hits:
            return None, "none"
        if len(hits) == 1:
            return hits[0], "text"
        return next((h for h in hits if h[0] == doc_id), hits[0]), "ambiguous"


def _drop_repeats(out: pd.DataFrame, sample_ids: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """``out`` without the later rows that sit on a paragraph an earlier row codes the same,
    and their sample ids; two different codes on one paragraph raise."""
    first: dict[tuple[str, int], tuple[str, str]] = {}
    drop, dropped = [], []
    for i, (sid, rec) in enumerate(zip(sample_ids, out.to_dict("records"), strict=True)):
        if not rec["matched"]:
            continue
        key = (rec["doc_id"], rec["para_id"])
        if key not in first:
            first[key] = (sid, rec.get("code"))
            continue
        sid0, code0 = first[key]
        if code0 != rec.get("code"):
            raise CodingSheetError(
                f"codes: samples {sid0!r} ({code0!r}) and {sid!r} ({rec.get('code')!r}) are the "
                f"same paragraph ({key[0]!r} para_id {key[1]}) with different codes"
            )
        drop.append(i)
        dropped.append(sid)
    return out.drop(index=out.index[drop]).reset_index(drop=True), dropped


def _align(codes: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """:func:`align_codes` without its warnings (the counts are in ``attrs["alignment"]``)."""
    index = _ParagraphIndex.of(docs)
    out = codes.copy()
    sample_ids = (
        out["sample_id"].astype(str).tolist()
        if "sample_id" in out.columns
        else [f"row {i}" for i in range(len(out))]
    )
    ids, how, moved = [], [], []
    for s, d, p, t in zip(
        sample_ids, out["doc_id"].astype(str), out["para_id"], out["text"], strict=True
    ):
        hit, found = index.locate(d, int(p), str(t))
        ids.append(hit or (d, int(p)))
        how.append(found)
        if hit is not None and hit[0] != d:
            moved.append(s)
    out["doc_id"] = [d for d, _ in ids]
    out["para_id"] = [p for _, p in ids]
    out["matched"] = [h != "none" for h in how]
    out, collapsed = _drop_repeats(out, sample_ids)

    def which(kind: str) -> list[str]:
        return [s for s, h in zip(sample_ids, how, strict=True) if h == kind]

    out.attrs["alignment"] = {
        "n_rows": len(codes),
        "by_id": how.count("id"),
        "by_text": how.count("text") + how.count("ambiguous"),
        "ambiguous": how.count("ambiguous"),
        "moved": len(moved),
        "unmatched": how.count("none"),
        "collapsed": len(collapsed),
        "ambiguous_ids": which("ambiguous"),
        "moved_ids": moved,
        "unmatched_ids": which("none"),
        "collapsed_ids": collapsed,
    }
    return out


def _warn_losses(info: dict[str, Any], stacklevel: int) -> None:
    """Say which coded rows an alignment could not place, moved to another document or
    dropped (log lines for the other re-mappings)."""
    if info["by_text"]:
        logger.info(
            "codes: %d row(s) found by their text, not at their doc_id / para_id",
            info["by_text"],
        )
    if info["moved"]:
        warnings.warn(
            f"codes: {info['moved']} coded row(s) whose doc_id / para_id does not hold their "
            "text were found by their text in another document and take its ids: sample(s) "
            f"{info['moved_ids'][:5]}{' …' if info['moved'] > 5 else ''} (document ids change "
            "when the corpus is built with other settings; if the sheet's ids were edited, "
            "check these rows)",
            stacklevel=stacklevel + 1,
        )
    if info["ambiguous"]:
        logger.info(
            "codes: %d row(s) re-mapped by a text found in several paragraphs: sample(s) %s",
            info["ambiguous"], info["ambiguous_ids"][:5],
        )  # fmt: skip
    if info["unmatched"]:
        warnings.warn(
            f"codes: {info['unmatched']} coded paragraph(s) not found in the corpus "
            f"(kept with matched=False): sample(s) {info['unmatched_ids'][:5]}",
            stacklevel=stacklevel + 1,
        )
    if info["collapsed"]:
        warnings.warn(
            f"codes: {info['collapsed']} coded row(s) dropped as repeats of a paragraph "
            f"coded already (the same text, the same code): sample(s) {info['collapsed_ids'][:5]}",
            stacklevel=stacklevel + 1,
        )


def align_codes(codes: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    """Find coded paragraphs in a (re)built corpus: by their ids, else by their text.

    A row keeps its ``doc_id`` / ``para_id`` when the paragraph of ``docs`` at that id still
    holds the coded text (whitespace aside): a text repeated in several documents (templated
    paragraphs) stays with the document its coder saw. Ids can drift when cleaning or
    splitting changes; a row whose id no longer holds its text is looked up by text among
    the paragraphs of ``docs`` (exact match, then whitespace-insensitive) and takes the id
    found. When several paragraphs have the text, the first one in the row's own document
    is taken, else the first one in the corpus; such ambiguous re-mappings are counted.

    Parameters
    ----------
    codes : DataFrame
        Output of :func:`read_codes` (``doc_id``, ``para_id``, ``text``; ``sample_id`` names
        the rows in messages). Not modified.
    docs : DataFrame
        Documents table (``doc_id``, ``text``).

    Returns
    -------
    DataFrame
        ``codes`` with updated ids and a boolean ``matched`` column. A row not found keeps
        its ids (``matched`` False); a row that lands on a paragraph an earlier row already
        codes with the same code is dropped. Both are announced by :func:`warnings.warn`
        naming how many and their sample ids. ``attrs["alignment"]`` holds the counts: a
        dict of ``n_rows`` (rows of ``codes``), ``by_id`` (kept their ids), ``by_text``
        (re-mapped by text), ``ambiguous`` (of those, the text was in several paragraphs),
        ``moved`` (of those, found in another document than the row's ``doc_id``: also
        announced by a warning), ``unmatched`` (not found), ``collapsed`` (dropped as
        repeats), and the sample ids of the last four (``ambiguous_ids``, ``moved_ids``,
        ``unmatched_ids``, ``collapsed_ids``).

    Raises
    ------
    CodingSheetError
        Two rows land on the same paragraph of ``docs`` with different codes; the message
        names both sample ids.
    """
    out = _align(codes, docs)
    _warn_losses(out.attrs["alignment"], stacklevel=2)
    return out


def checked_codes(codes: Any, docs: Any) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Coded paragraphs checked and re-mapped onto ``docs``: what every consumer of codes
    (:func:`validate_measure`, :func:`textkit.frames.tune.tune_label_rule`,
    :class:`textkit.frames.supervised.FrameClassifier`,
    :func:`textkit.frames.crossval.cross_validate_frames`) starts from.

    Parameters
    ----------
    codes : DataFrame
        From :func:`read_codes` / :func:`load_coded_paragraphs` (``doc_id``, ``para_id``,
        ``text``, ``code``; ``sample_id`` when present names the rows in errors). Not
        modified.
    docs : DataFrame or list of str
        The documents holding the coded paragraphs (``doc_id``, ``text``). Not modified.

    Returns
    -------
    (DataFrame, DataFrame)
        The codes as :func:`align_codes` places them (codes lower-cased, a ``sample_id`` of
        ``"row i"`` when there was none; its ``attrs["alignment"]`` counts, its warnings
        about repeats dropped) and the documents table.

    Raises
    ------
    CodingSheetError
        ``codes`` is not a table of codes (a documents table passed in its place is named
        as such), lacks a column, holds a code outside :data:`CODES`, or holds a paragraph
        not found in ``docs`` (sample ids named): dropping it silently would bias every
        agreement figure.
    """
    from textkit.frames.score import as_documents

    if not isinstance(codes, pd.DataFrame):
        raise CodingSheetError(
            f"codes: expected a DataFrame from read_codes, got {type(codes).__name__}"
        )
    missing = [c for c in ("doc_id", "para_id", "text", "code") if c not in codes.columns]
    if missing:
        hint = (
            " (this looks like a documents table: pass the codes first, then the documents)"
            if {"para_id", "code"} <= set(missing) and {"doc_id", "text"} <= set(codes.columns)
            else ""
        )
        raise CodingSheetError(f"codes: missing column(s) {missing}{hint}")
    codes = codes.copy()
    if "sample_id" not in codes.columns:
        codes.insert(0, "sample_id", [f"row {i}" for i in range(len(codes))])
    codes["code"] = codes["code"].astype(str).str.strip().str.lower()
    bad = codes.loc[~codes["code"].isin(CODES), ["sample_id", "code"]]
    if len(bad):
        rows = ", ".join(f"{s!r} ({c!r})" for s, c in bad.head(5).itertuples(index=False))
        raise CodingSheetError(f"codes: unknown code in sample(s) {rows}; allowed {list(CODES)}")
    docs = as_documents(docs)
    aligned = _align(codes, docs)
    lost = aligned.loc[~aligned["matched"], "sample_id"].tolist()
    if lost:
        raise CodingSheetError(
            f"codes: {len(lost)} coded paragraph(s) not found in docs: sample(s) {lost[:10]}"
        )
    _warn_losses(aligned.attrs["alignment"], stacklevel=3)
    return aligned.drop(columns="matched").reset_index(drop=True), docs


def validate_measure(
    codes: pd.DataFrame,
    docs: pd.DataFrame,
    *,
    scores: pd.DataFrame | None = None,
    config: Any = None,
) -> ValidationReport:
    """Compare the paragraph-level dictionary measure with coded paragraphs.

    The codes are found in ``docs`` by their ids, else by their text (:func:`align_codes`),
    the paragraphs are scored (unless ``scores`` is given) and :func:`agreement` compares
    each coded paragraph's ``frame_label`` with its code.

    Parameters
    ----------
    codes : DataFrame
        From :func:`read_codes` / :func:`load_coded_paragraphs`. Not modified.
    docs : DataFrame
        Documents table (``doc_id``, ``text``). Not modified.
    scores : DataFrame, optional
        Paragraph scores (``doc_id``, ``para_id``, ``frame_label``). Default:
        ``score_frames(docs, level="paragraph", config=config)``.
    config : textkit.frames.score.FrameConfig, optional
        Scorer settings when ``scores`` is not given.

    Returns
    -------
    ValidationReport
        Its table also holds ``balance``, ``n_stability`` and ``n_service_law`` of each
        paragraph when the scores have them; its ``alignment`` says how the coded rows were
        found in ``docs`` (a row repeating a paragraph coded already is dropped with a
        warning and counted there).

    Raises
    ------
    CodingSheetError
        Bad codes, or a coded paragraph not found in ``docs`` (:func:`checked_codes`; sample
        ids named): dropping it silently would bias the agreement.
    ValueError
        A coded paragraph has no score in ``scores`` (sample ids named).
    """
    aligned, docs = checked_codes(codes, docs)
    if scores is None:
        from textkit.frames.score import score_frames

        scores = score_frames(docs.loc[:, ["doc_id", "text"]], level="paragraph", config=config)
    for col in ("doc_id", "para_id", "frame_label"):
        if col not in scores.columns:
            raise ValueError(f"scores: missing column {col!r}")
    extra = [c for c in ("balance", "n_stability", "n_service_law") if c in scores.columns]
    lab = scores.loc[:, ["doc_id", "para_id", "frame_label", *extra]].copy()
    lab["doc_id"] = lab["doc_id"].astype(str)
    lab["para_id"] = lab["para_id"].astype(int)
    merged = aligned.merge(lab, on=["doc_id", "para_id"], how="left", validate="many_to_one")
    missing = merged.loc[merged["frame_label"].isna(), "sample_id"].tolist()
    if missing:
        raise ValueError(f"scores: no paragraph score for sample(s) {missing[:5]}")
    report = agreement(merged["frame_label"], merged)
    for c in extra:
        report.table[c] = merged[c].to_numpy()
    return dataclasses.replace(report, alignment=dict(aligned.attrs["alignment"]))
