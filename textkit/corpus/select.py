"""Which articles an analysis uses: one rule, named in ``[corpus] analyse``.

The article table keeps every article found, each with a ``status``: ``kept``, ``flagged``
(a near-duplicate of another article, in another language, or off-topic) or
``quarantined`` (too damaged to read). Every analysis — topics, networks, frames, the
notebooks — takes its documents through :func:`analysed_documents`, so that they all count
the same articles:

``"kept"`` (default)
    ``status == "kept"``: one copy of each article, on topic, readable.
``"unique"``
    Every readable article that is not a near-duplicate of another, off-topic ones
    included (for a corpus whose relevance check is not tuned to it); articles in another
    language than Chinese (flag reason ``language``) are left out, since the segmenter and
    the lexicons are Chinese.
``"all"``
    Every readable article, duplicates included.

Quarantined articles are never analysed: their text is mostly mojibake, or nothing is left
of it after cleaning (a table cell that held only markup).

Template paragraphs, the ones a site repeats in many articles (a closing formula, a contact
line), are kept by default. ``[corpus] repeated_paragraphs = "drop"`` takes them out of the
analysed texts: every paragraph held by at least ``[corpus] repeated_min_docs`` (default 3)
different analysed articles, counted as ``boilerplate.csv`` counts them
(:func:`textkit.corpus.boilerplate.drop_repeated_paragraphs`). The articles then carry what
they lost (``repeated_paragraphs_dropped``, ``repeated_chars_dropped``); an article made only
of such paragraphs is left out, with a warning naming it. ``para_id`` counts the paragraphs
that stay, so paragraph ids differ from a run without the drop (coded sheets are re-found by
their texts).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from textkit.core.checks import check_choice, check_int
from textkit.core.config import ProjectConfig
from textkit.corpus.boilerplate import drop_repeated_paragraphs
from textkit.corpus.dedup import DedupConfig

__all__ = [
    "ANALYSE_RULES",
    "DEFAULT_ANALYSE",
    "DEFAULT_REPEATED",
    "DEFAULT_REPEATED_MIN_DOCS",
    "REPEATED_RULES",
    "analyse_rule",
    "analysed_documents",
    "repeated_min_docs",
    "repeated_rule",
]


def _kept(docs: pd.DataFrame) -> pd.Series:
    return docs["status"] == "kept"


def _unique(docs: pd.DataFrame) -> pd.Series:
    readable = ~docs["is_duplicate"].astype(bool) & (docs["status"] != "quarantined")
    if "flag_reason" not in docs.columns:
        return readable
    language = docs["flag_reason"].map(lambda r: "language" in str(r).split("; "))
    return readable & ~language.astype(bool)


def _readable(docs: pd.DataFrame) -> pd.Series:
    return docs["status"] != "quarantined"


#: Rule name -> the articles it selects (a boolean mask over the article table).
ANALYSE_RULES: dict[str, Callable[[pd.DataFrame], pd.Series]] = {
    "kept": _kept,
    "unique": _unique,
    "all": _readable,
}

#: The rule used when ``[corpus] analyse`` is not set.
DEFAULT_ANALYSE = "kept"

#: What ``[corpus] repeated_paragraphs`` does with the paragraphs many articles hold.
REPEATED_RULES = ("keep", "drop")

#: ``[corpus] repeated_paragraphs`` when not set: the texts as built.
DEFAULT_REPEATED = "keep"

#: ``[corpus] repeated_min_docs`` when not set: a paragraph held by 3 or more articles goes.
DEFAULT_REPEATED_MIN_DOCS = 3

_NEEDS = {"kept": ("status",), "unique": ("status", "is_duplicate"), "all": ("status",)}


def _corpus_setting(config: ProjectConfig | None, key: str, default: Any, check: Callable) -> Any:
    """``[corpus] <key>`` of ``config`` checked by ``check`` (``default`` without a config or
    the key)."""
    return default if config is None else config.setting("corpus", key, default, check)


def analyse_rule(config: ProjectConfig | None) -> str:
    """The rule named by ``[corpus] analyse`` in ``config`` (default ``"kept"``).

    Raises
    ------
    ConfigError
        When the setting is not one of :data:`ANALYSE_RULES` (file, table and key named).
    """
    return _corpus_setting(
        config, "analyse", DEFAULT_ANALYSE, lambda k, v: check_choice(k, v, tuple(ANALYSE_RULES))
    )


def repeated_rule(config: ProjectConfig | None) -> str:
    """``[corpus] repeated_paragraphs`` in ``config``: ``"keep"`` (default) or ``"drop"``.

    Raises
    ------
    ConfigError
        When the setting is not one of :data:`REPEATED_RULES` (file, table and key named).
    """
    return _corpus_setting(
        config,
        "repeated_paragraphs",
        DEFAULT_REPEATED,
        lambda k, v: check_choice(k, v, REPEATED_RULES),
    )


def repeated_min_docs(config: ProjectConfig | None) -> int:
    """``[corpus] repeated_min_docs`` in ``config`` (default 3): how many different articles
    must hold a paragraph for ``repeated_paragraphs = "drop"`` to take it out.

    Raises
    ------
    ConfigError
        When the setting is not an integer of at least 2 (file, table and key named).
    """
    return _corpus_setting(
        config, "repeated_min_docs", DEFAULT_REPEATED_MIN_DOCS, lambda k, v: check_int(k, v, 2)
    )


def analysed_documents(
    docs: pd.DataFrame,
    rule: str = DEFAULT_ANALYSE,
    *,
    repeated_paragraphs: str = DEFAULT_REPEATED,
    repeated_min_docs: int = DEFAULT_REPEATED_MIN_DOCS,
    dedup: DedupConfig | None = None,
) -> pd.DataFrame:
    """The articles an analysis uses, by one of :data:`ANALYSE_RULES`.

    Parameters
    ----------
    docs : pandas.DataFrame
        The article table (``CorpusBuild.documents``); it is not modified.
    rule : {"kept", "unique", "all"}
        Which articles; see the module docstring. Notebooks pass ``[corpus] analyse``
        (:func:`analyse_rule`).
    repeated_paragraphs : {"keep", "drop"}, default "keep"
        ``"drop"`` takes out of the selected articles' texts every paragraph that at least
        ``repeated_min_docs`` of them hold
        (:func:`textkit.corpus.boilerplate.drop_repeated_paragraphs`). Notebooks pass
        ``[corpus] repeated_paragraphs`` (:func:`repeated_rule`).
    repeated_min_docs : int, default 3
        See ``repeated_paragraphs``; ``[corpus] repeated_min_docs`` (:func:`repeated_min_docs`).
    dedup : DedupConfig, optional
        Its ``paragraph_min_chars``: shorter paragraphs are never dropped (``[dedup]``, as
        for ``boilerplate.csv``).

    Returns
    -------
    pandas.DataFrame
        The selected rows in their original order, with a fresh ``0..n-1`` index. With
        ``"drop"``: their texts without the repeated paragraphs, the columns
        ``repeated_paragraphs_dropped`` and ``repeated_chars_dropped``, and without the
        articles left with no text (a warning names them).

    Raises
    ------
    InvalidParameterError
        For an unknown rule or ``repeated_paragraphs`` value, or ``repeated_min_docs`` < 2.
    KeyError
        When the table lacks a column the rule needs (``status``, ``is_duplicate``).

    Examples
    --------
    >>> import textkit as tk
    >>> from textkit.corpus import analysed_documents
    >>> docs = tk.build_corpus("corpus/raw").documents  # doctest: +SKIP
    >>> len(analysed_documents(docs, "kept"))  # doctest: +SKIP
    34
    """
    rule = check_choice("rule", rule, tuple(ANALYSE_RULES))
    repeated = check_choice("repeated_paragraphs", repeated_paragraphs, REPEATED_RULES)
    missing = [c for c in _NEEDS[rule] if c not in docs.columns]
    if missing:
        raise KeyError(
            f"analysed_documents(rule={rule!r}) needs column(s) {missing} of the article table"
        )
    selected = docs.loc[ANALYSE_RULES[rule](docs)].reset_index(drop=True)
    if repeated == "keep":
        return selected
    return drop_repeated_paragraphs(selected, repeated_min_docs, dedup)
