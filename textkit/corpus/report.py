"""The corpus build's accounting report: every input file and every article accounted for.

:func:`corpus_report` checks the identities *files = read + rejected* (rejected counted by
reason), *articles found = kept + flagged + quarantined* and *articles found = sum of the
articles per file*, raising :class:`textkit.core.errors.CorpusError` when one fails, and
returns the report as a JSON-serialisable dict (per file, per article status, cleaning by
rule, duplicate groups, boilerplate, outsized articles). :func:`render_report_md` renders it
as Markdown.

Outsized articles (``outsized``) are the readable articles far longer than the others
(:data:`OUTSIZED_TIMES_MEDIAN` times the median length, or :data:`OUTSIZED_SHARE` of the
characters): one of them is most of every pooled count, so the report lists them with the
advice to split them or analyse them apart.

For raw pages and a researcher's folder of files, whose articles are dated (``published``,
:mod:`textkit.corpus.published`), the report's ``published`` entry counts the articles
dated, by where the date was found (``meta``, ``date line``, ``signature``, ``source
issue``), those without a date (``undated``; of them ``implausible``: their page states only
dates outside the plausible years, such as a CMS's default 1970-01-01), and the kept
articles dated; *found = dated + undated* is checked like the other identities. A build of
a researcher's table has no such entry (its dates are its own variables), nor has a folder
whose document variables include their own ``published``.

Folder entries that are not read (hidden files, subdirectories, link loops, dangling links,
links leaving the folder, FIFOs and other special files: ``status="skipped"`` in the pages
table) are listed too. When there are any, the report adds ``entries`` (*entries = read +
rejected + skipped*, checked like the others), ``skipped_by_kind`` and ``skipped_entries``
(each entry with its kind and reason); a folder without them gives the report it always
gave.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from textkit.core.errors import CorpusError
from textkit.core.io import StreamedEntries
from textkit.core.order import natural_order

__all__ = ["corpus_report", "render_report_md"]

logger = logging.getLogger(__name__)


_STATUSES = ("kept", "flagged", "quarantined")

#: An article longer than this many times the median length of the readable articles is
#: listed as outsized (the report's ``outsized`` entry).
OUTSIZED_TIMES_MEDIAN = 10
#: An article holding more than this share of the readable articles' characters is listed
#: too, when it is also longer than twice the median (two or three articles of like length
#: each hold a large share, and none of them is outsized).
OUTSIZED_SHARE = 0.25


def _outsized(
    n_chars: np.ndarray,
    readable: np.ndarray,
    pick: Callable[[np.ndarray], tuple[list, list]],
) -> dict[str, Any]:
    """The report's ``outsized`` entry (both builds): the readable articles far longer than
    the others.

    An article of a million characters among notices of a thousand (a county annal, a
    gazette's whole year in one file) is most of every pooled count: a group's frame
    estimate, the paragraphs of a topic model, the co-occurrence counts describe that one
    article. It is listed when it is longer than :data:`OUTSIZED_TIMES_MEDIAN` times the
    median length of the readable (not quarantined) articles, or holds more than
    :data:`OUTSIZED_SHARE` of their characters while longer than twice the median.

    ``n_chars`` and ``readable`` hold one value per article; ``pick`` gives the ids and
    statuses of the articles at some positions (only the outsized ones are read). The entry
    holds ``rule`` (in words), ``median_chars`` and ``total_chars`` of the readable articles
    and ``articles``: one record per outsized article (``doc_id``, ``status``, ``n_chars``,
    ``times_median``, ``share``), longest first, ties by ``doc_id``.
    """
    chars = np.where(readable, n_chars, 0).astype(np.int64)
    median = float(np.median(n_chars[readable])) if readable.any() else 0.0
    total = int(chars.sum())
    out: dict[str, Any] = {
        "rule": (
            f"longer than {OUTSIZED_TIMES_MEDIAN} times the median length, or more than "
            f"{OUTSIZED_SHARE:.0%} of the characters and longer than twice the median"
        ),
        "median_chars": median,
        "total_chars": total,
        "articles": [],
    }
    if median <= 0:
        return out
    share = chars / total
    big = readable & (
        (chars > OUTSIZED_TIMES_MEDIAN * median) | ((share > OUTSIZED_SHARE) & (chars > 2 * median))
    )
    where = np.flatnonzero(big)
    ids, states = pick(where)
    rows = sorted(zip(where.tolist(), map(str, ids), map(str, states), strict=True),
                  key=lambda r: (-int(chars[r[0]]), r[1]))  # fmt: skip
    out["articles"] = [
        {
            "doc_id": doc_id,
            "status": state,
            "n_chars": int(chars[i]),
            "times_median": round(float(chars[i] / median), 1),
            "share": round(float(share[i]), 4),
        }
        for i, doc_id, state in rows
    ]
    if rows:
        logger.warning(
            "corpus report: %d outsized article(s), e.g. %s (%d characters, %.0f times the "
            "median, %.0f%% of the corpus): pooled counts mostly describe it; split it or "
            "analyse it apart (corpus_report.md, Outsized articles)", len(rows),
            rows[0][1], int(chars[rows[0][0]]), chars[rows[0][0]] / median,
            100 * share[rows[0][0]],
        )  # fmt: skip
    return out


def _published_section(sources: Iterable[str], statuses: Iterable[str]) -> dict[str, Any]:
    """The report's ``published`` entry (both builds): how many articles a publication date
    was found for, by where it was found (``published_from``), and how many of the kept
    ones; of the undated, how many their page dates only outside the plausible years
    (``implausible``); *found = dated + undated* is checked."""
    from textkit.corpus.published import IMPLAUSIBLE, PUBLISHED_FROM

    by_source = dict.fromkeys(PUBLISHED_FROM, 0)
    n_found = undated = implausible = dated_kept = 0
    for source, status in zip(sources, statuses, strict=True):
        n_found += 1
        if not source or source == IMPLAUSIBLE:
            undated += 1
            implausible += source == IMPLAUSIBLE
        elif source in by_source:
            by_source[source] += 1
            dated_kept += status == "kept"
    dated = sum(by_source.values())
    shown = " + ".join(f"{n} {k}" for k, n in by_source.items())
    identity = f"{n_found} found = {dated} dated ({shown}) + {undated} undated"
    if implausible:
        identity += f" ({implausible} of them dated only outside the plausible years)"
    if dated + undated != n_found:  # a published_from that is none of PUBLISHED_FROM
        raise CorpusError(f"publication dates do not add up: {identity}")
    return {
        "dated": dated,
        "undated": undated,
        "implausible": implausible,
        "by_source": by_source,
        "dated_kept": dated_kept,
        "identity": identity,
    }


def _note_own_dates(report: dict[str, Any], dates: Iterable[str] | None) -> None:
    """Say, in ``report["published"]["note"]`` and once in the log, that the researcher's
    own date variables (``[corpus] dates``) are not the publication dates the report
    counts, and how to make one so (name it ``published``); nothing when the report has
    no ``published`` entry (a table, or a variable named ``published`` of one's own) or
    there is no date variable.

    Parameters
    ----------
    report : dict
        A corpus report (both builds), changed in place.
    dates : iterable of str or None
        The date variables read (``read_texts(..., dates=...)``).
    """
    own = [str(d) for d in dates or () if d != "published"]
    if "published" not in report or not own:
        return
    names = ", ".join(repr(d) for d in own)
    note = (
        f"your date variable(s) {names} are kept as they are but are not the publication "
        'date counted here, nor the one [analysis] trend = "published" and [dedup] '
        'keep_earliest_by = "published" read: to date the documents by yours, name the '
        "column 'published' (in the metadata table and in [corpus] dates), which then wins "
        f"over the dates the files state; or trace yours as it is with [analysis] trend = "
        f"{own[0]!r}"
    )
    report["published"]["note"] = note
    logger.warning("publication dates: %s", note)


def _note_kept_later(report: dict[str, Any], docs: pd.DataFrame, keep_earliest_by: str) -> None:
    """With ``[dedup] keep_earliest_by`` unset, count in ``report["duplicates"]`` the groups
    whose kept copy has a later year or publication date than a flagged one
    (:func:`textkit.corpus.dedup.later_kept_groups`; ``kept_later``, ``kept_later_groups``,
    ``note``) and say it once in the log; nothing when there is none (both builds)."""
    from textkit.corpus.dedup import later_kept_groups

    if keep_earliest_by:
        return
    later = later_kept_groups(docs)
    if not later:
        return
    note = (
        f"{len(later)} duplicate group(s) keep a copy with a later year or publication date "
        "than a copy flagged as its duplicate (the longest copy is kept): a reprint may "
        'move a text to a later year; set [dedup] keep_earliest_by = "year" (or '
        '"published", or a date variable of yours) to keep the earliest copy'
    )
    report["duplicates"] |= {"kept_later": len(later), "kept_later_groups": later, "note": note}
    logger.warning("duplicates: %s (groups %s)", note, ", ".join(later[:5]))


def _page_row(rec: dict) -> dict:
    """One input's entry of the report's ``pages`` list (both builds)."""
    return {
        "file": rec["source_file"],
        "status": rec["status"],
        "reason": rec["reason"],
        "encoding": rec["encoding"],
        "repairs": rec["repairs"],
        "n_articles": int(rec["n_articles"]),
        "n_dropped": int(rec["n_dropped"]),
        "header_chars": int(rec["header_chars"]),
        "footer_chars": int(rec["footer_chars"]),
        "note": rec["split_note"],
    }


def _entries_section(
    counts: tuple[int, int, int, int, str], by_kind: dict[str, int], skipped: Iterable[dict]
) -> dict[str, Any]:
    """The report keys of a folder with entries other than files (both builds):
    ``entries`` (total, read, rejected, skipped, identity), ``skipped_by_kind`` and
    ``skipped_entries`` (one record per skipped page row, in the given order)."""
    total, read, rejected, n_skipped, identity = counts
    return {
        "entries": {
            "total": total,
            "read": read,
            "rejected": rejected,
            "skipped": n_skipped,
            "identity": identity,
        },
        "skipped_by_kind": dict(sorted(by_kind.items())),
        "skipped_entries": [
            {"entry": r["source_file"], "kind": r["reject_kind"], "reason": r["reason"]}
            for r in skipped
        ],
    }


def corpus_report(
    pages: pd.DataFrame, docs: pd.DataFrame, boilerplate: pd.DataFrame, raw_dir: Path
) -> dict:
    """The accounting report of a corpus build.

    Parameters
    ----------
    pages : pandas.DataFrame
        One row per input file, with the split's counts (``n_articles``, ``n_dropped``,
        ``header_chars``, ``footer_chars``, ``split_note``).
    docs : pandas.DataFrame
        One row per article found, with ``doc_id``, ``n_chars``, ``status``,
        ``flag_reason`` and ``clean_log`` (and ``dup_group`` / ``is_duplicate`` when
        deduplicated; and ``published_from`` for raw pages, counted in the report's
        ``published``).
    boilerplate : pandas.DataFrame
        Paragraphs repeated across documents.
    raw_dir : pathlib.Path
        The raw directory (recorded relative to the project root).

    Returns
    -------
    dict
        JSON-serialisable.

    Raises
    ------
    CorpusError
        If an accounting identity does not hold.
    """
    n_entries = len(pages)
    read = int((pages["status"] == "ok").sum())
    rejected = int((pages["status"] == "rejected").sum())
    skipped = int((pages["status"] == "skipped").sum())
    n_files = n_entries - skipped
    entries_identity = (
        f"{n_entries} entries = {read} read + {rejected} rejected + {skipped} skipped"
    )
    if read + rejected + skipped != n_entries:
        raise CorpusError(f"entries do not add up: {entries_identity}")
    skipped_rows = pages[pages["status"] == "skipped"].sort_values("source_file")
    skipped_by_kind: dict[str, int] = {}
    for kind in skipped_rows["reject_kind"].astype(str):
        skipped_by_kind[kind or "other"] = skipped_by_kind.get(kind or "other", 0) + 1
    if sum(skipped_by_kind.values()) != skipped:
        raise CorpusError(f"entries: {skipped} skipped != sum by kind {skipped_by_kind}")
    by_kind: dict[str, int] = {}
    for rec in pages[pages["status"] == "rejected"].to_dict("records"):
        kind = str(rec.get("reject_kind") or "other")
        by_kind[kind] = by_kind.get(kind, 0) + 1
    if sum(by_kind.values()) != rejected:
        raise CorpusError(f"files: {rejected} rejected != sum of rejections by reason {by_kind}")
    counts = {s: int((docs["status"] == s).sum()) for s in _STATUSES}
    n_art = len(docs)
    if sum(counts.values()) != n_art:
        raise CorpusError(
            f"articles: {n_art} found != {counts['kept']} kept + {counts['flagged']} flagged + "
            f"{counts['quarantined']} quarantined"
        )
    if int(pages["n_articles"].sum()) != n_art:
        raise CorpusError(
            f"articles: {n_art} found != {int(pages['n_articles'].sum())} counted per file"
        )
    n_dropped = int(pages["n_dropped"].sum())
    reasons = docs.loc[docs["status"] == "flagged", "flag_reason"].astype(str)
    totals: dict[str, int] = {}
    per_doc: dict[str, dict[str, int]] = {}
    for doc_id, log in zip(docs["doc_id"], docs["clean_log"], strict=True):
        d = json.loads(log)
        per_doc[str(doc_id)] = d
        for k, v in d.items():
            totals[k] = totals.get(k, 0) + int(v)
    # files in text order: the JSON report sorts the keys of articles_per_file that way
    pages_rows = [_page_row(rec) for rec in pages.sort_values("source_file").to_dict("records")]
    groups = _group_table(docs)
    published = (
        {"published": _published_section(docs["published_from"], docs["status"])}
        if "published_from" in docs.columns
        else {}
    )
    report: dict[str, Any] = {
        "raw_dir": _relative(raw_dir),
        "files": {"total": n_files, "read": read, "rejected": rejected},
    }
    if skipped:
        report |= _entries_section(
            (n_entries, read, rejected, skipped, entries_identity),
            skipped_by_kind,
            skipped_rows.to_dict("records"),
        )
    return report | {
        "rejected_by_reason": dict(sorted(by_kind.items())),
        "rejected_files": [
            {"file": r["file"], "reason": r["reason"]}
            for r in pages_rows
            if r["status"] == "rejected"
        ],
        "pages": pages_rows,
        "articles": {
            "found": n_art,
            **counts,
            "flagged_duplicate": int(reasons.str.contains("duplicate of").sum()),
            "flagged_off_topic": int(reasons.str.contains("off-topic").sum()),
            "dropped_boilerplate": n_dropped,
            "identity": (
                f"{n_art} found = {counts['kept']} kept + {counts['flagged']} flagged + "
                f"{counts['quarantined']} quarantined"
            ),
        },
        "articles_per_file": {r["file"]: r["n_articles"] for r in pages_rows},
        **published,
        "quarantined": [
            {"doc_id": r["doc_id"], "reason": r["flag_reason"]}
            for r in docs[docs["status"] == "quarantined"].to_dict("records")
        ],
        "outsized": _outsized(
            docs["n_chars"].to_numpy(dtype=np.int64),
            (docs["status"] != "quarantined").to_numpy(dtype=bool),
            lambda rows: (docs["doc_id"].iloc[rows].tolist(), docs["status"].iloc[rows].tolist()),
        ),
        "flagged": [
            {"doc_id": r["doc_id"], "reason": r["flag_reason"]}
            for r in docs[docs["status"] == "flagged"].to_dict("records")
        ],
        "split": {
            "header_chars": sum(r["header_chars"] for r in pages_rows),
            "footer_chars": sum(r["footer_chars"] for r in pages_rows),
        },
        "cleaning": {"chars_by_rule": dict(sorted(totals.items())), "per_document": per_doc},
        "duplicates": {"n_groups": len(groups), "groups": groups},
        "boilerplate": {
            "n_paragraphs": int(len(boilerplate)),
            "paragraphs": _boilerplate_rows(boilerplate),
        },
    }


#: Rows turned into Python objects at a time by :func:`streamed_report`.
_CHUNK = 8192


def streamed_report(
    pages: Any, docs: Any, grouped: pd.DataFrame, boilerplate: pd.DataFrame, raw_dir: Path
) -> dict:
    """:func:`corpus_report` of tables held compactly (pyarrow), its long lists streamed.

    The result is the report :func:`corpus_report` returns for the same tables, except that
    its entries with one item per input row or per document (``pages``,
    ``articles_per_file``, ``rejected_files``, ``flagged``, ``quarantined``,
    ``cleaning.per_document``) are :class:`textkit.core.io.StreamedEntries`, made from the
    tables a chunk at a time when they are written
    (:func:`textkit.core.io.write_json_streamed` writes the same bytes) or rendered.

    Parameters
    ----------
    pages : pyarrow.Table
        The pages table, in input order (no text needed).
    docs : pyarrow.Table
        One row per article, in ``doc_id`` order, with ``doc_id``, ``n_chars``, ``status``,
        ``flag_reason`` and ``clean_log`` (and ``published_from`` for raw pages).
    grouped : pandas.DataFrame
        ``doc_id``, ``dup_group`` and ``is_duplicate`` of the documents in a duplicate
        group (any order).
    boilerplate : pandas.DataFrame
    raw_dir : pathlib.Path

    Returns
    -------
    dict

    Raises
    ------
    CorpusError
        If an accounting identity does not hold.
    """
    import pyarrow.compute as pc

    def count(table: Any, col: str, value: str) -> np.ndarray:
        return pc.equal(table.column(col), value).to_numpy(zero_copy_only=False)

    def total(table: Any, col: str) -> int:
        return int(pc.sum(table.column(col)).as_py() or 0)

    n_entries = pages.num_rows
    is_read, is_rejected = count(pages, "status", "ok"), count(pages, "status", "rejected")
    is_skipped = count(pages, "status", "skipped")
    read, rejected, skipped = int(is_read.sum()), int(is_rejected.sum()), int(is_skipped.sum())
    n_files = n_entries - skipped
    entries_identity = (
        f"{n_entries} entries = {read} read + {rejected} rejected + {skipped} skipped"
    )
    if read + rejected + skipped != n_entries:
        raise CorpusError(f"entries do not add up: {entries_identity}")
    by_kind: dict[str, int] = {}
    kinds = pages.column("reject_kind").to_numpy(zero_copy_only=False)
    skipped_by_kind: dict[str, int] = {}
    for kind in kinds[is_skipped].tolist():
        kind = str(kind or "other")
        skipped_by_kind[kind] = skipped_by_kind.get(kind, 0) + 1
    for kind in kinds[is_rejected].tolist():
        kind = str(kind or "other")
        by_kind[kind] = by_kind.get(kind, 0) + 1
    if sum(by_kind.values()) != rejected:
        raise CorpusError(f"files: {rejected} rejected != sum of rejections by reason {by_kind}")
    status = {s: count(docs, "status", s) for s in _STATUSES}
    counts = {s: int(status[s].sum()) for s in _STATUSES}
    n_art = docs.num_rows
    if sum(counts.values()) != n_art:
        raise CorpusError(
            f"articles: {n_art} found != {counts['kept']} kept + {counts['flagged']} flagged + "
            f"{counts['quarantined']} quarantined"
        )
    if total(pages, "n_articles") != n_art:
        raise CorpusError(
            f"articles: {n_art} found != {total(pages, 'n_articles')} counted per file"
        )
    flagged = docs.filter(pc.equal(docs.column("status"), "flagged")).column("flag_reason")
    flagged = pc.fill_null(flagged, "None")

    def reasons(text: str) -> int:
        return int(pc.sum(pc.match_substring(flagged, text)).as_py() or 0)

    # per_document in the text order of doc_id: the in-memory report is a dict whose keys
    # the JSON writer sorts (documents themselves are in natural order: 1, 2, 10)
    by_text = pd.Series(docs.column("doc_id").to_pylist(), dtype=object).astype(str)
    by_text = by_text.sort_values(kind="mergesort").index.to_numpy(dtype=np.int64)

    def logs() -> Iterator[tuple[str, dict]]:
        for start in range(0, n_art, _CHUNK):
            part = docs.take(by_text[start : start + _CHUNK])
            ids = part.column("doc_id").to_pylist()
            for doc_id, log in zip(ids, part.column("clean_log").to_pylist(), strict=True):
                yield str(doc_id), json.loads(log)

    totals: dict[str, int] = {}
    for _, d in logs():
        for k, v in d.items():
            totals[k] = totals.get(k, 0) + int(v)
    source = pages.column("source_file").to_pandas()
    order = pd.DataFrame({"source_file": source}).sort_values("source_file").index.to_numpy()
    del source

    def page_rows(rows: np.ndarray) -> Iterator[dict]:
        for start in range(0, len(rows), _CHUNK):
            for rec in pages.take(rows[start : start + _CHUNK]).to_pylist():
                yield _page_row(rec)

    def doc_rows(which: str) -> StreamedEntries:
        rows = np.nonzero(status[which])[0]

        def make() -> Iterator[dict]:
            for start in range(0, len(rows), _CHUNK):
                part = docs.take(rows[start : start + _CHUNK])
                ids, why = part.column("doc_id").to_pylist(), part.column("flag_reason")
                for doc_id, reason in zip(ids, why.to_pylist(), strict=True):
                    yield {"doc_id": doc_id, "reason": reason}

        return StreamedEntries(make, len(rows))

    rejected_rows = order[is_rejected[order]]
    groups = _group_table(grouped)
    published = (
        {
            "published": _published_section(
                docs.column("published_from").to_pylist(), docs.column("status").to_pylist()
            )
        }
        if "published_from" in docs.column_names
        else {}
    )
    head: dict[str, Any] = {
        "raw_dir": _relative(raw_dir),
        "files": {"total": n_files, "read": read, "rejected": rejected},
    }
    if skipped:  # as corpus_report: entries other than files, each with its kind and reason
        head |= _entries_section(
            (n_entries, read, rejected, skipped, entries_identity),
            skipped_by_kind,
            pages.take(order[is_skipped[order]]).to_pylist(),
        )
    return head | {
        "rejected_by_reason": dict(sorted(by_kind.items())),
        "rejected_files": StreamedEntries(
            lambda: ({"file": r["file"], "reason": r["reason"]} for r in page_rows(rejected_rows)),
            len(rejected_rows),
        ),
        "pages": StreamedEntries(lambda: page_rows(order), n_entries),
        "articles": {
            "found": n_art,
            **counts,
            "flagged_duplicate": reasons("duplicate of"),
            "flagged_off_topic": reasons("off-topic"),
            "dropped_boilerplate": total(pages, "n_dropped"),
            "identity": (
                f"{n_art} found = {counts['kept']} kept + {counts['flagged']} flagged + "
                f"{counts['quarantined']} quarantined"
            ),
        },
        "articles_per_file": StreamedEntries(
            lambda: ((r["file"], r["n_articles"]) for r in page_rows(order)), n_entries, pairs=True
        ),
        **published,
        "quarantined": doc_rows("quarantined"),
        "outsized": _outsized(
            docs.column("n_chars").to_numpy().astype(np.int64),
            ~status["quarantined"].astype(bool),
            lambda rows: (
                docs.column("doc_id").take(rows).to_pylist(),
                docs.column("status").take(rows).to_pylist(),
            ),
        ),
        "flagged": doc_rows("flagged"),
        "split": {
            "header_chars": total(pages, "header_chars"),
            "footer_chars": total(pages, "footer_chars"),
        },
        "cleaning": {
            "chars_by_rule": dict(sorted(totals.items())),
            "per_document": StreamedEntries(logs, n_art, pairs=True),
        },
        "duplicates": {"n_groups": len(groups), "groups": groups},
        "boilerplate": {
            "n_paragraphs": int(len(boilerplate)),
            "paragraphs": _boilerplate_rows(boilerplate),
        },
    }


def _group_table(docs: pd.DataFrame) -> list[dict]:
    if "dup_group" not in docs.columns:
        return []
    groups = []
    sub = docs[docs["dup_group"].notna()]
    for gid, g in sorted(sub.groupby(sub["dup_group"].astype(str)), key=lambda kv: kv[0]):
        if len(g) < 2:
            continue
        canon = g.loc[~g["is_duplicate"].astype(bool), "doc_id"].tolist()
        groups.append(
            {
                "dup_group": gid,
                "members": [g["doc_id"].iloc[i] for i in natural_order(g["doc_id"])],
                "canonical": sorted(canon)[0] if canon else "",
            }
        )
    return groups


def _relative(path: Path) -> str:
    try:
        from textkit.core.paths import project_root

        return path.resolve().relative_to(project_root().resolve()).as_posix()
    except (ValueError, OSError, ImportError):
        return path.name


def _boilerplate_rows(bp: pd.DataFrame) -> list[dict]:
    rows = []
    for rec in bp.to_dict("records"):
        rows.append({k: _jsonable(v) for k, v in sorted(rec.items())})
    return rows


def _jsonable(v: Any) -> Any:
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if hasattr(v, "tolist"):
        return v.tolist()
    if hasattr(v, "item"):
        return v.item()
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return None
    return v


def _cell(value: Any) -> str:
    """A value as one Markdown table cell: ``|`` escaped, line breaks shown as ``\\n``
    (a file name may hold both)."""
    text = str(value)
    if "|" in text or "\n" in text or "\r" in text:
        text = text.replace("|", "\\|").replace("\r", "\\r").replace("\n", "\\n")
    return text


def _metadata_lines(meta: dict) -> list[str]:
    """What joining the metadata table did (``ReadResult.metadata``), as report lines: the
    counts, then each row joined to no document and each file without a row."""
    lines = [
        f"Metadata `{_cell(Path(meta['file']).name)}` (key column `{meta['key']}`; "
        f"{', '.join(f'`{c}`' for c in meta['columns'])}): {meta['identity']}."
    ]
    unit = meta.get("row_unit", "row")  # "line" for JSON Lines
    for u in meta["rows_without_file"]:
        lines.append(f"- {unit} {u['row']} `{_cell(u['file'])}` joined to no document: {u['why']}")
    lines += [
        f"- `{_cell(f)}` has no row: its metadata is missing" for f in meta["files_without_row"]
    ]
    return lines


def _outsized_md(entry: dict | None, article: str) -> list[str]:
    """The report's section on outsized articles (none for a report made without it)."""
    if entry is None:
        return []
    lines = [
        f"## Outsized {article}s",
        "",
        f"Listed: {article}s {entry['rule']}. The median is {entry['median_chars']:g} "
        f"characters, of {entry['total_chars']} in all (quarantined {article}s left out).",
        "",
    ]
    if not entry["articles"]:
        return [*lines, "None.", ""]
    lines += [
        f"Pooled counts (a group's frame estimate, the paragraphs of a topic model, word "
        f"co-occurrences) mostly describe one such {article}: split it into its sections (one "
        f"file each, or article markers), or analyse it apart.",
        "",
        f"| {article} | status | characters | times the median | share of the characters |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {_cell(r['doc_id'])} | {r['status']} | {r['n_chars']} | {r['times_median']:g} | "
        f"{r['share']:.1%} |"
        for r in entry["articles"]
    ]
    return [*lines, ""]


def render_report_md(report: dict) -> str:
    """Render the corpus report as Markdown.

    The input units are called files (raw pages, a folder of texts) or rows (a table read by
    :func:`textkit.corpus.read.read_texts`), as the report's ``texts`` entry says.

    Parameters
    ----------
    report : dict
        ``CorpusBuild.report``.

    Returns
    -------
    str
    """
    a = report["articles"]
    f = report["files"]
    kind = report.get("texts", {}).get("input")  # "table" or "folder": read_texts input
    unit, article = ("row", "document") if kind == "table" else ("file", "article")
    where = {"table": "Input table", "folder": "Input folder"}.get(kind, "Raw directory")
    lines = [
        "# Corpus build report",
        "",
        f"{where}: `{report['raw_dir']}`",
        "",
        f"## {unit.capitalize()}s",
        "",
        f"{f['total']} {unit}s: {f['read']} read, {f['rejected']} rejected"
        + (
            " ("
            + ", ".join(f"{k}: {v}" for k, v in report.get("rejected_by_reason", {}).items())
            + ")."
            if f["rejected"]
            else "."
        ),
        "",
    ]
    if "entries" in report:
        by_kind = ", ".join(f"{k}: {v}" for k, v in report["skipped_by_kind"].items())
        lines += [
            f"{report['entries']['identity']} ({by_kind}). Skipped entries are not read:",
            "",
            "| entry | kind | reason |",
            "|---|---|---|",
        ]
        lines += [
            f"| {_cell(e['entry'])} | {e['kind']} | {_cell(e['reason'].replace('|', '/'))} |"
            for e in report["skipped_entries"]
        ]
        lines.append("")
    listed = report["pages"]
    if kind == "table":  # a row each would make a report as long as the table
        # what reading the file did (decoding, a workbook's sheet, title rows, merged
        # cells) is the same on every row: said once
        made = sorted({p["repairs"] for p in listed if p["repairs"]})
        lines += [f"Reading the table: {_cell(r.replace('|', '/'))}." for r in made]
        lines += [""] if made else []
        listed = [p for p in listed if p["status"] != "ok"]
        lines += [
            f"Every row is in `pages.csv`; the {len(listed)} not read are listed here "
            "(`file.xlsx:23` is the 23rd data row, the header not counted; the note names "
            "the row as the sheet or file shows it).",
            "",
        ]
    lines += [
        f"| {unit} | status | encoding | {article}s | header chars | footer chars | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for p in listed:
        note = _cell((p["note"] or p["repairs"] or "").replace("|", "/"))
        lines.append(
            f"| {_cell(p['file'])} | {p['status']} | {p['encoding']} | {p['n_articles']} | "
            f"{p['header_chars']} | {p['footer_chars']} | {note} |"
        )
    n_language = sum("language" in str(r["reason"]).split("; ") for r in report.get("flagged", []))
    lines += [
        "",
        f"## {article.capitalize()}s",
        "",
        f"{a['identity']} ({a['flagged_duplicate']} flagged as duplicates, "
        f"{a['flagged_off_topic']} as off-topic"
        + (f", {n_language} as another language" if n_language else "")
        + "); "
        f"{a.get('dropped_boilerplate', 0)} marked article(s) without text dropped as boilerplate.",
        "",
    ]
    if kind:
        lines[-1:-1] = ["", f"Inputs: {report['texts']['identity']}."]
    if "metadata" in report:
        lines[-1:-1] = ["", *_metadata_lines(report["metadata"])]
    if "published" in report:
        p = report["published"]
        lines += [
            f"Publication dates (`published`, where found in `published_from`): {p['identity']}; "
            f"{p['dated_kept']} of the {a['kept']} kept {article}s dated."
            + (f" Note: {p['note']}." if p.get("note") else ""),
            "",
        ]
    for key, title in (("flagged", "Flagged"), ("quarantined", "Quarantined")):
        if report[key]:
            lines += [f"### {title}", "", "| doc_id | reason |", "|---|---|"]
            lines += [f"| {_cell(r['doc_id'])} | {_cell(r['reason'])} |" for r in report[key]]
            lines.append("")
    lines += _outsized_md(report.get("outsized"), article)
    lines += [
        "## Cleaning (characters removed or rewritten, by rule)",
        "",
        "| rule | characters |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in report["cleaning"]["chars_by_rule"].items()]
    lines += ["", "## Duplicate groups", ""]
    if report["duplicates"]["groups"]:
        lines += ["| group | canonical | members |", "|---|---|---|"]
        for g in report["duplicates"]["groups"]:
            members = _cell(", ".join(g["members"]))
            lines.append(f"| {g['dup_group']} | {_cell(g['canonical'])} | {members} |")
    else:
        lines.append("None.")
    if report["duplicates"].get("note"):
        later = ", ".join(report["duplicates"]["kept_later_groups"])
        lines += ["", f"Note: {report['duplicates']['note']} (groups {_cell(later)})."]
    lines += [
        "",
        "## Boilerplate",
        "",
        f"{report['boilerplate']['n_paragraphs']} repeated paragraphs (see boilerplate.csv).",
        "",
    ]
    return "\n".join(lines)
