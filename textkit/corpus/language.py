"""Language of a text: Chinese, or another language kept and flagged rather than dropped.

The rule is deliberately simple and needs no language model: a text is in **another
language** when it has at least :attr:`~textkit.corpus.clean.CleanConfig.language_min_letters`
letters (Unicode letters: Latin, Cyrillic, kana, Han characters …; not digits, not
punctuation) and fewer than :attr:`~textkit.corpus.clean.CleanConfig.min_cjk_share` of them
are Chinese characters (CJK unified ideographs, U+4E00–U+9FFF and extension A,
U+3400–U+4DBF). A Latin letter counts as much as a Chinese character, so a Chinese article
with an English abstract stays Chinese, and an English article with a few Chinese names is
another language. A text with fewer letters is not judged (it counts as Chinese).

The corpus build marks such documents: a table row or a file that is another language keeps
its text and gets ``status == "flagged"`` with the flag reason ``language``
(:func:`textkit.corpus._documents.document_status`), and a page whose only article text is in
another language yields that text as documents instead of being dropped as boilerplate
(:func:`textkit.corpus.split.split_pages`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from textkit.corpus.chars import CharTable, code_points

if TYPE_CHECKING:
    from textkit.corpus.clean_rules import CleanConfig

__all__ = ["LANGUAGES", "cjk_share", "count_cjk", "is_other_language", "text_language"]

#: Values of :func:`text_language`.
LANGUAGES = ("zh", "other")


#: ``str.isalpha`` of every character.
_LETTERS = CharTable(str.isalpha)


def count_cjk(text: str) -> int:
    """Number of Chinese characters (CJK unified ideographs and extension A) in ``text``."""
    return int(_is_chinese(code_points(text)).sum())


def _is_chinese(codes: np.ndarray) -> np.ndarray:
    """A Chinese character: CJK unified ideographs and extension A."""
    return ((codes >= 0x4E00) & (codes <= 0x9FFF)) | ((codes >= 0x3400) & (codes <= 0x4DBF))


def cjk_share(text: str) -> tuple[float, int]:
    """Share of Chinese characters among the letters of ``text``, and the number of letters.

    Parameters
    ----------
    text : str

    Returns
    -------
    (float, int)
        The share (0.0 when there is no letter) and the number of letters.

    Examples
    --------
    >>> cjk_share("网格化管理 grid")
    (0.5555555555555556, 9)
    """
    codes = code_points(text)
    alpha = _LETTERS.mask(codes)
    letters = int(alpha.sum())
    cjk = int((alpha & _is_chinese(codes)).sum())
    return (cjk / letters if letters else 0.0), letters


def is_other_language(text: str, config: CleanConfig | None = None) -> bool:
    """Whether ``text`` is in another language than Chinese (see the module docstring).

    Parameters
    ----------
    text : str
        A document's text (cleaned).
    config : CleanConfig, optional
        Its ``min_cjk_share`` and ``language_min_letters`` (defaults 0.3 and 100).

    Returns
    -------
    bool
    """
    if config is None:
        from textkit.corpus.clean_rules import CleanConfig

        config = CleanConfig()
    share, letters = cjk_share(text if isinstance(text, str) else "")
    return letters >= config.language_min_letters and share < config.min_cjk_share


def text_language(text: str, config: CleanConfig | None = None) -> str:
    """``"other"`` when :func:`is_other_language`, else ``"zh"``."""
    return "other" if is_other_language(text, config) else "zh"
