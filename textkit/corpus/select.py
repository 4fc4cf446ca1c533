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
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from textkit.core.checks import check_choice
from textkit.core.config import ProjectConfig

__all__ = ["ANALYSE_RULES", "DEFAULT_ANALYSE", "analyse_rule", "analysed_documents"]


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

_NEEDS = {"kept": ("status",), "unique": ("status", "is_duplicate"), "all": ("status",)}


def analyse_rule(config: ProjectConfig | None) -> str:
    """The rule named by ``[corpus] analyse`` in ``config`` (default ``"kept"``).

    Raises
    ------
    ConfigError
        When the setting is not one of :data:`ANALYSE_RULES` (file, table and key named).
    """
    if config is None:
        return DEFAULT_ANALYSE
    return config.setting(
        "corpus", "analyse", DEFAULT_ANALYSE, lambda k, v: check_choice(k, v, tuple(ANALYSE_RULES))
    )


def analysed_documents(docs: pd.DataFrame, rule: str = DEFAULT_ANALYSE) -> pd.DataFrame:
    """The articles an analysis uses, by one of :data:`ANALYSE_RULES`.

    Parameters
    ----------
    docs : pandas.DataFrame
        The article table (``CorpusBuild.documents``); it is not modified.
    rule : {"kept", "unique", "all"}
        Which articles; see the module docstring. Notebooks pass ``[corpus] analyse``
        (:func:`analyse_rule`).

    Returns
    -------
    pandas.DataFrame
        The selected rows in their original order, with a fresh ``0..n-1`` index.

    Raises
    ------
    InvalidParameterError
        For an unknown rule.
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
    missing = [c for c in _NEEDS[rule] if c not in docs.columns]
    if missing:
        raise KeyError(
            f"analysed_documents(rule={rule!r}) needs column(s) {missing} of the article table"
        )
    return docs.loc[ANALYSE_RULES[rule](docs)].reset_index(drop=True)
