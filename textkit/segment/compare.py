"""Evidence for the governance dictionary: textkit's segmentation against plain jieba.

:func:`compare_segmentation` puts the two cuts of the same texts side by side;
:func:`dictionary_coverage` counts, for every dictionary entry, how often it occurs in a
corpus and how often each segmenter cuts it as one token.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from textkit.segment.segmenter import Segmenter, get_segmenter

__all__ = [
    "compare_segmentation",
    "dictionary_coverage",
]


def _baseline(baseline: Segmenter | None, seg: Segmenter) -> Segmenter:
    if baseline is not None:
        if not isinstance(baseline, Segmenter):
            raise ValueError("baseline: expected a textkit.segment.segmenter.Segmenter")
        return baseline
    # jieba's own dictionary and nothing else: cut() is exactly jieba.lcut with this HMM
    return get_segmenter(governance_dict=False, lexicon=False, hmm=seg.config.hmm)


def _texts_list(texts: Any, name: str) -> list[str]:
    if isinstance(texts, str):
        raise ValueError(f"{name}: expected a sequence of texts, got a single str")
    out = list(texts)
    for t in out:
        if not isinstance(t, str):
            raise ValueError(f"{name}: expected str items, got {type(t).__name__}")
    return out


def compare_segmentation(
    texts: Sequence[str],
    terms: Sequence[str] | None = None,
    segmenter: Segmenter | None = None,
    baseline: Segmenter | None = None,
    sep: str = " / ",
) -> pd.DataFrame:
    """Side-by-side table of plain jieba and textkit raw tokens for the same texts.

    Parameters
    ----------
    texts : sequence of str
        Sentences (or any texts) to cut. Not modified.
    terms : sequence of str, optional
        One term per text (e.g. the governance term the sentence illustrates); adds the
        columns ``term``, ``plain_one_token`` and ``textkit_one_token`` (the term is one
        token of the cut).
    segmenter : Segmenter, optional
        textkit's segmenter; default: the default segmenter (:func:`get_segmenter`).
    baseline : Segmenter, optional
        The comparison; default a segmenter with jieba's dictionary only
        (``governance_dict=False, lexicon=False``, same ``hmm``), whose :meth:`Segmenter.cut`
        is exactly ``jieba.lcut``.
    sep : str, default " / "
        Separator used to join tokens for display.

    Returns
    -------
    pandas.DataFrame
        One row per text, in input order: ``text`` (+ ``term``), ``plain_jieba`` and
        ``textkit`` (raw tokens of :meth:`Segmenter.cut` joined by ``sep``, whitespace
        tokens left out), ``n_plain``, ``n_textkit`` (token counts), ``same`` (identical
        cuts) (+ ``plain_one_token``, ``textkit_one_token``).

    Examples
    --------
    >>> t = compare_segmentation(["加强社会治安综合治理。"])
    >>> t.loc[0, "plain_jieba"], t.loc[0, "textkit"]
    ('加强 / 社会治安 / 综合治理 / 。', '加强 / 社会治安综合治理 / 。')
    """
    texts = _texts_list(texts, "texts")
    if terms is not None:
        terms = _texts_list(terms, "terms")
        if len(terms) != len(texts):
            raise ValueError(f"terms: {len(terms)} terms for {len(texts)} texts")
    seg = segmenter if segmenter is not None else get_segmenter()
    if not isinstance(seg, Segmenter):
        raise ValueError("segmenter: expected a textkit.segment.segmenter.Segmenter")
    base = _baseline(baseline, seg)
    rows = []
    for i, text in enumerate(texts):
        plain = [w for w in base.cut(text) if w.strip()]
        ours = [w for w in seg.cut(text) if w.strip()]
        row: dict[str, Any] = {"text": text}
        if terms is not None:
            row["term"] = terms[i]
        row.update(
            plain_jieba=sep.join(plain),
            textkit=sep.join(ours),
            n_plain=len(plain),
            n_textkit=len(ours),
            same=plain == ours,
        )
        if terms is not None:
            row["plain_one_token"] = terms[i] in plain
            row["textkit_one_token"] = terms[i] in ours
        rows.append(row)
    cols = ["text"] + (["term"] if terms is not None else [])
    cols += ["plain_jieba", "textkit", "n_plain", "n_textkit", "same"]
    cols += ["plain_one_token", "textkit_one_token"] if terms is not None else []
    df = pd.DataFrame(rows, columns=cols)
    return df.astype({"n_plain": "int64", "n_textkit": "int64", "same": bool})


def dictionary_coverage(
    texts: Iterable[str] | pd.DataFrame,
    segmenter: Segmenter | None = None,
    baseline: Segmenter | None = None,
) -> pd.DataFrame:
    """How the dictionary entries of a segmenter fare in a corpus, against plain jieba.

    Parameters
    ----------
    texts : iterable of str or DataFrame with a ``text`` column
        The corpus (cleaned, simplified). Not modified.
    segmenter : Segmenter, optional
        Default: the default segmenter (:func:`get_segmenter`).
    baseline : Segmenter, optional
        Default: jieba's dictionary only (see :func:`compare_segmentation`).

    Returns
    -------
    pandas.DataFrame
        One row per dictionary entry expected to be one token (``dictionary_report()``
        rows with ``expect == "one token"``): ``word, source, tag``, ``ok`` (the entry
        alone is one token), ``plain_one_token`` (plain jieba cuts the entry alone as one
        token), ``occurrences`` (non-overlapping occurrences of the string in the texts),
        ``as_token`` / ``plain_as_token`` (occurrences that are one token of textkit's /
        plain jieba's cut of the texts). Sorted by ``occurrences`` descending, then word.
        ``as_token < occurrences`` means the entry was cut differently in some contexts
        (inside a longer entry or across a word boundary).
    """
    if isinstance(texts, pd.DataFrame):
        if "text" not in texts.columns:
            raise ValueError("texts: a DataFrame needs a 'text' column")
        texts = texts["text"].fillna("").tolist()
    texts = _texts_list(texts, "texts")
    seg = segmenter if segmenter is not None else get_segmenter()
    if not isinstance(seg, Segmenter):
        raise ValueError("segmenter: expected a textkit.segment.segmenter.Segmenter")
    base = _baseline(baseline, seg)
    rep = seg.dictionary_report()
    rep = rep[rep["expect"] == "one token"].drop_duplicates("word", keep="last")
    words = rep["word"].tolist()
    wanted = set(words)
    ours: dict[str, int] = dict.fromkeys(words, 0)
    plain: dict[str, int] = dict.fromkeys(words, 0)
    for text in texts:
        for w in seg.cut(text):
            if w in wanted:
                ours[w] += 1
        for w in base.cut(text):
            if w in wanted:
                plain[w] += 1
    joined = "\n".join(texts)
    df = pd.DataFrame(
        {
            "word": words,
            "source": rep["source"].tolist(),
            "tag": rep["tag"].tolist(),
            "ok": rep["ok"].astype(bool).tolist(),
            "plain_one_token": [base.cut(w) == [w] for w in words],
            "occurrences": [joined.count(w) for w in words],
            "as_token": [ours[w] for w in words],
            "plain_as_token": [plain[w] for w in words],
        }
    )
    df = df.astype({"occurrences": "int64", "as_token": "int64", "plain_as_token": "int64"})
    return df.sort_values(
        ["occurrences", "word"], ascending=[False, True], kind="stable"
    ).reset_index(drop=True)
