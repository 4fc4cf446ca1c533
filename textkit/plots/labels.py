"""Human labels for figures: frames, pages, articles, topics and any category value.

Identifiers (``service_law``, ``003_4542067cb4fbbdc2``, ``003_4542067cb4fbbdc2#02``,
``T03``) are for tables and code; figures show what a reader understands. Each kind of
thing has one labelling function here, and every plot function uses it, so that a frame,
a page, an article or a topic reads the same in every figure:

* :func:`frame_label` — ``"service_law"`` → ``"Service / rule of law"``
  (:data:`textkit.plots.FRAME_LABELS`);
* :func:`page_label` — ``"003_4542067cb4fbbdc2"`` → ``"Page 4"`` (pages are numbered from 1
  in the order of their file prefix), or the page's site / title when the table has it;
* :func:`shorten` and :func:`article_label` — an article's title cut at a word boundary
  (the project's governance-aware segmenter, so 社会治安综合治理 is never cut) with an
  ellipsis, followed by where it comes from: ``"乡镇社会治理创新… (Page 3, no. 2)"``;
  :func:`article_labels` labels a table's articles and keeps different titles apart when
  they share a long beginning (``"青山镇…第一季度安全生产工作总结"``);
* :func:`topic_label` and :func:`topic_labels` — ``"T03"`` with its top terms →
  ``"T3 维稳·排查·矛盾"``; seeded frame topics get the frame's name;
* :func:`display_label` — any category value a figure shows (legend entries, ticks): frame
  keys, page ids and article ids become their labels, other values are shown as they are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from textkit.core.checks import check_int
from textkit.core.errors import InvalidParameterError
from textkit.plots import FRAME_LABELS

__all__ = [
    "ARTICLE_ID_RE",
    "PAGE_ID_RE",
    "article_label",
    "article_labels",
    "display_label",
    "frame_label",
    "is_frame",
    "page_label",
    "shorten",
    "topic_label",
    "topic_labels",
]

#: A page id of the corpus stage: three-digit ordinal, ``_``, 16 hex digits of the URL hash.
PAGE_ID_RE = re.compile(r"^(\d{3})_[0-9a-f]{16}$")
#: An article id: the page id, ``#``, the article's ordinal on the page.
ARTICLE_ID_RE = re.compile(r"^(\d{3})_[0-9a-f]{16}#(\d+)$")

_TOPIC_RE = re.compile(r"^T0*(\d+)$")
_ELLIPSIS = "…"
#: Characters not worth keeping at the end of a shortened label.
_TRAILING = " \t\u3000，,。.、；;：:！!？?（(《“\"'‘-—·"
#: Characters not worth keeping at the start of the part of a title shown after an ellipsis.
_LEADING = " \t\u3000，,。.、；;：:！!？?-—·"


def is_frame(name: object) -> bool:
    """True when ``name`` is a frame key of :data:`textkit.plots.FRAME_LABELS`."""
    return isinstance(name, str) and name in FRAME_LABELS


def frame_label(name: str) -> str:
    """Display name of a frame (``"service_law"`` → ``"Service / rule of law"``).

    Raises
    ------
    ValueError
        If ``name`` is not a frame key.
    """
    if not is_frame(name):
        raise InvalidParameterError(
            f"unknown frame {name!r}: expected one of {', '.join(FRAME_LABELS)}"
        )
    return FRAME_LABELS[name]


def page_label(page_id: object, site: object = None, page_title: object = None) -> str:
    """Short human label of a source page.

    Parameters
    ----------
    page_id : str
        The corpus stage's page id (``"003_4542067cb4fbbdc2"``).
    site, page_title : str, optional
        The page's site and title (e.g. from ``corpus/sources.csv``), used when present:
        ``"<site>: <shortened title>"``.

    Returns
    -------
    str
        ``"Page 4"`` for page id ``003_…`` (pages numbered from 1), the site / title when
        given, or the id as it is when it is not a page id.
    """
    named = [str(v).strip() for v in (site, page_title) if _present(v)]
    if named:
        if len(named) == 2:
            return f"{named[0]}: {shorten(named[1], 10)}"
        return shorten(named[0], 14)
    m = PAGE_ID_RE.match(str(page_id))
    if m:
        return f"Page {int(m.group(1)) + 1}"
    return str(page_id)


def _present(v: object) -> bool:
    return v is not None and not (isinstance(v, float) and v != v) and str(v).strip() != ""


def _words(text: str) -> list[str]:
    # the project's segmenter keeps governance concepts (社会治安综合治理 …) whole
    from textkit.segment.segmenter import get_segmenter  # lazy: loading jieba takes a moment

    return get_segmenter().cut(text)


def shorten(text: object, max_chars: int = 12) -> str:
    """``text`` cut to at most ``max_chars`` characters at a word boundary, with an ellipsis.

    Words come from the project's segmenter (jieba with the governance dictionary), so a
    word is never cut in the middle; punctuation and spaces left at the end of the kept part
    are dropped. The ellipsis counts towards ``max_chars``; a first word longer than the
    limit is kept whole.

    Parameters
    ----------
    text : str
    max_chars : int, default 12

    Returns
    -------
    str

    Examples
    --------
    >>> shorten("乡镇党委书记 社会治安综合治理工作先进事迹", 12)
    '乡镇党委书记…'
    """
    check_int("max_chars", max_chars, 2)
    s = _spaced(text)
    if len(s) <= max_chars:
        return s
    kept = ""
    for word in _words(s):
        if kept.strip() and len(kept) + len(word) > max_chars - 1:
            break
        kept += word
    kept = kept.rstrip(_TRAILING)
    if not kept:  # only punctuation up to the limit: keep the first word
        kept = _words(s)[0]
    return kept + _ELLIPSIS


def article_label(title: object = None, doc_id: object = None, max_chars: int = 12) -> str:
    """Human label of an article: shortened title and where it comes from.

    Parameters
    ----------
    title : str, optional
        The article's title (cut with :func:`shorten`).
    doc_id : str, optional
        Its id (``"<page id>#<ordinal>"``), shown as ``"Page 4, no. 2"``.
    max_chars : int, default 12
        Longest title kept.

    Returns
    -------
    str
        ``"社会治理工作机制 (Page 4, no. 2)"``; only one of the two parts when the other is
        missing.
    """
    head = shorten(title, max_chars) if _present(title) else None
    return _with_source(head, doc_id)


def _with_source(head: str | None, doc_id: object) -> str:
    """``"<head> (Page 4, no. 2)"``: a shortened title and where the article comes from."""
    where = ""
    if _present(doc_id):
        m = ARTICLE_ID_RE.match(str(doc_id))
        where = f"Page {int(m.group(1)) + 1}, no. {int(m.group(2))}" if m else str(doc_id)
    if head:
        return f"{head} ({where})" if where else head
    return where


def article_labels(
    table: pd.DataFrame, title: str = "title", doc_id: str = "doc_id", max_chars: int = 12
) -> pd.Series:
    """:func:`article_label` of every row of a table (missing columns are skipped), with
    different titles kept apart.

    When two different titles would be cut to the same text (a long shared beginning, as in
    ``青山镇2019年第一季度安全生产工作总结`` and ``青山镇2019年第二季度安全生产工作总结``, both
    ``"青山镇2019年…"``), each keeps its first words, an ellipsis, and its words from where it
    differs from the title it is closest to: ``"青山镇…第一季度安全生产工作总结"`` and
    ``"青山镇…第二季度安全生产工作总结"``; titles that would still meet (they differ in more
    than one place) are shown from where all the titles sharing their text first differ.
    Other titles are cut as by :func:`shorten`. The labels depend on the set of titles
    only, not on the order of the rows.

    Returns
    -------
    pandas.Series of str, with the table's index.
    """
    titles = table[title] if title in table.columns else pd.Series(None, index=table.index)
    ids = table[doc_id] if doc_id in table.columns else pd.Series(None, index=table.index)
    if title not in table.columns and doc_id not in table.columns:
        raise InvalidParameterError(
            f"table: needs a {title!r} or {doc_id!r} column for article labels"
        )
    heads = _shortened_apart([t for t in titles if _present(t)], max_chars)
    return pd.Series(
        [
            _with_source(heads[_spaced(t)] if _present(t) else None, d)
            for t, d in zip(titles, ids, strict=True)
        ],
        index=table.index,
        dtype=object,
    )


def _spaced(text: object) -> str:
    """``text`` with every run of white space one space, as :func:`shorten` reads it."""
    return " ".join(str(text).split())


def _shortened_apart(titles: Iterable[object], max_chars: int) -> dict[str, str]:
    """Every title (white space evened out) -> its :func:`shorten` text, or, for titles
    that would share one, the text of :func:`_from_difference`."""
    unique = sorted({_spaced(t) for t in titles})
    short = {t: shorten(t, max_chars) for t in unique}
    # first from where a title differs from the one closest to it; titles that differ in
    # more than one place (2019/2020 × 第一/第二季度) can still meet: those are then shown
    # from where they first differ from the others they meet
    for closest in (max, min):
        sharing: dict[str, list[str]] = {}
        for t in unique:
            sharing.setdefault(short[t], []).append(t)
        for group in sharing.values():
            for t in group if len(group) > 1 else ():
                same = closest(len(os.path.commonprefix([t, u])) for u in group if u != t)
                short[t] = _from_difference(t, same, max_chars)
    return short


def _from_difference(text: str, same: int, max_chars: int) -> str:
    """``text`` shown by its first words (up to ``max_chars // 2`` characters), an ellipsis,
    and the part from the word holding its character ``same`` (the first that differs from
    the title it is closest to; its last word when ``text`` ends there), with the words
    before that part as long as it keeps within ``max_chars`` characters."""
    words = _words(text)
    starts = np.cumsum([0, *map(len, words)])[:-1]
    k = int(np.searchsorted(starts, min(same, len(text) - 1), side="right")) - 1
    n_head = _leading_words(words, max(2, max_chars // 2))
    while k - 1 >= n_head and len("".join(words[k - 1 :])) <= max_chars:
        k -= 1
    rest = shorten("".join(words[k:]).lstrip(_LEADING) or words[k], max_chars)
    if k <= n_head:
        return "".join(words[:k]) + rest
    return "".join(words[:n_head]).rstrip(_TRAILING) + _ELLIPSIS + rest


def _leading_words(words: list[str], max_chars: int) -> int:
    """How many of the first ``words`` fit in ``max_chars`` characters (at least one)."""
    n, size = 1, len(words[0])
    while n < len(words) and size + len(words[n]) <= max_chars:
        size += len(words[n])
        n += 1
    return n


def display_label(value: object) -> str:
    """The label a figure shows for a category value (legend entry, tick label).

    Frame keys become their display names, page ids ``"Page N"``, article ids
    ``"Page N, no. k"``; anything else is shown as it is.
    """
    if is_frame(value):
        return FRAME_LABELS[value]  # type: ignore[index]
    s = str(value)
    if PAGE_ID_RE.match(s):
        return page_label(s)
    if ARTICLE_ID_RE.match(s):
        return article_label(None, s)
    return s


def _term_list(terms: str | Iterable[str] | None) -> list[str]:
    if terms is None or (isinstance(terms, float) and terms != terms):
        return []
    if isinstance(terms, str):
        return terms.split()
    return [str(t) for t in terms]


def topic_label(
    topic: object, terms: str | Iterable[str] | None = None, n: int = 3, prefix: str = "T"
) -> str:
    """The label of one topic, the same in every figure: ``"T3 维稳·排查·矛盾"``.

    Parameters
    ----------
    topic : str
        Topic id of a textkit model (``"T03"``) or the name of a seeded frame topic
        (``"stability"``).
    terms : str or sequence of str, optional
        The topic's top terms, best first (a space-separated string as in the topic
        tables, or a list); the first ``n`` are shown.
    n : int, default 3
    prefix : str, default "T"
        Letter of numbered topics; give the topics of a second model another letter
        (e.g. ``"S"`` for the free topics of a seeded model) so that its T3 is not read as
        the first model's T3.

    Returns
    -------
    str
        ``"T3 维稳·排查·矛盾"``, ``"Stability maintenance: 社会治安综合治理·治安·整治"``, or the
        id alone when no terms are given.
    """
    words = _term_list(terms)[: max(0, int(n))]
    m = _TOPIC_RE.match(str(topic))
    if m:
        head = f"{prefix}{int(m.group(1))}"
    elif is_frame(topic):
        head = FRAME_LABELS[topic] + (":" if words else "")  # type: ignore[index]
    else:
        head = str(topic)
    return f"{head} {'·'.join(words)}" if words else head


def topic_labels(
    table: pd.DataFrame, terms: str | None = None, n: int = 3, prefix: str = "T"
) -> dict[str, str]:
    """:func:`topic_label` of every topic of a topic table, as ``{topic: label}``.

    Build the labels once per model and pass them to every topic figure
    (``topic_labels=``), so that a topic has one label everywhere.

    Parameters
    ----------
    table : DataFrame
        Either a tidy top-terms table (``topic, rank, term``, from
        :func:`textkit.topics.top_terms`), or one row per topic with a column of
        space-separated terms (``topic_summary``: ``top_frex`` / ``top_prob``;
        ``compare_models`` and ``per_topic`` of a stability result: ``top_terms``).
    terms : str, optional
        The terms column of a one-row-per-topic table (default: ``top_frex``, else
        ``top_terms``, else ``top_prob``).
    n : int, default 3
    prefix : str, default "T"
        See :func:`topic_label`.

    Returns
    -------
    dict of str to str
    """
    if "topic" not in table.columns:
        raise InvalidParameterError("table: missing column 'topic'")
    if terms is None and {"rank", "term"} <= set(table.columns):
        d = table.sort_values(["topic", "rank", "term"], kind="stable")
        lists = {t: list(g["term"]) for t, g in d.groupby("topic", sort=False)}
        order = list(dict.fromkeys(table["topic"]))
        return {t: topic_label(t, lists[t], n=n, prefix=prefix) for t in order}
    if terms is None:
        terms = next((c for c in ("top_frex", "top_terms", "top_prob") if c in table.columns), None)
        if terms is None:
            raise InvalidParameterError(
                "table: no terms column (top_frex, top_terms, top_prob, or rank/term)"
            )
    elif terms not in table.columns:
        raise InvalidParameterError(f"table: missing column {terms!r}")
    return {
        t: topic_label(t, s, n=n, prefix=prefix)
        for t, s in zip(table["topic"], table[terms], strict=True)
    }


def label_for(labels: Mapping | None, key: object, default: str) -> str:
    """``labels[key]`` when given, else ``default`` (helper of the plot functions)."""
    if labels is not None and key in labels:
        return str(labels[key])
    return default
