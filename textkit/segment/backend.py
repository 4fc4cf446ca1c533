"""Segmentation backends: pure jieba (the reference) and rjieba, with identical tokens.

jieba's word graph and HMM are pure Python; ``rjieba`` (Python bindings of jieba-rs) runs
the same algorithm compiled. :class:`RjiebaCutter` loads rjieba with exactly the effective
dictionary of a :class:`jieba.Tokenizer` and repairs the few places where jieba-rs and
jieba disagree, so that its tokens are those of ``Tokenizer.lcut`` with the same ``HMM``:

* **Dictionary.** jieba-rs starts empty (``rjieba.Jieba.empty()``) and receives every word
  of the tokenizer's ``FREQ`` with a frequency above 0, in memory (no dictionary file is
  written). jieba's ``add_word`` adds the new frequency to the total even when it replaces a
  word, and a frequency-0 entry set directly keeps its old share of the total, whereas
  jieba-rs recomputes the total from its words; the difference is given to one entry of
  control characters, which jieba-rs never looks up (they are outside its Han blocks), so
  jieba-rs's total equals jieba's ``total`` and every path of the word graph has the same
  log probability. Frequency-0 words (jieba's "never one token") are left out, as jieba's
  word graph skips them.
* **Han blocks.** jieba-rs counts CJK Extension A-F, the ideographs U+9FD6-U+9FFF and the
  compatibility ideographs as Han; jieba's ``re_han_default`` (U+4E00-U+9FD5) does not.
  A chunk containing any such character (:data:`_WIDER_HAN_RE`) is cut by jieba itself.
* **Non-Han pieces.** For runs of characters unknown to the dictionary, jieba's HMM
  (``jieba.finalseg``) splits the non-CJK part with ``re_skip`` (``www.gov.cn`` -> ``www /
  . / gov / . / cn``), while jieba-rs 0.11 keeps it whole; outside Han blocks jieba yields
  ``\\r\\n`` or one character at a time. In a chunk with two neighbouring non-CJK
  characters of a Han block, one of them a symbol (``+#&._%-``; :data:`_SYMBOL_PAIR`),
  every multi-character token that is not a dictionary word and holds a character other
  than CJK, letters and digits is split again by jieba's own rule for its kind
  (:meth:`RjiebaCutter._repair`), and such a token that mixes kinds, which jieba never
  produces, sends the chunk to jieba. Any other chunk is cut
  alike by both: letters and digits alone are kept together by both, jieba-rs splits the
  HMM's unknown runs into CJK and non-CJK parts as jieba does, and outside Han blocks it
  yields ``\\r\\n`` or one character at a time, as jieba does.

:func:`resolve_backend` turns the ``backend`` setting (``"auto"``, ``"jieba"``,
``"rjieba"``) into the backend used: ``"auto"`` takes rjieba when it imports and jieba
otherwise (logged), ``"rjieba"`` raises :class:`~textkit.core.errors.ConfigError` naming
the setting when it does not import.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

from textkit.core.errors import ConfigError

__all__ = [
    "BACKENDS",
    "RjiebaCutter",
    "resolve_backend",
    "rjieba_version",
]

logger = logging.getLogger(__name__)

#: Values of the ``backend`` setting.
BACKENDS = ("auto", "jieba", "rjieba")

#: The rjieba releases textkit is checked against (also the pin in ``pyproject.toml``).
_RJIEBA_PIN = "rjieba>=0.2.2,<0.3"

#: Characters jieba-rs puts in Han blocks and jieba does not (see the module docstring).
_WIDER_HAN_RE = re.compile("[\u3400-\u4dbf\u9fd6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")
#: Two neighbouring characters of jieba's Han blocks outside the CJK range, one of them a
#: symbol: where jieba-rs can cut a non-CJK token that jieba splits. A text without any is
#: cut identically as it stands (every other token either agrees or is a dictionary word).
_SYMBOL_PAIR = re.compile(r"[a-zA-Z0-9+#&._%\-][+#&._%\-]|[+#&._%\-][a-zA-Z0-9+#&._%\-]")
#: A multi-character token with a character other than CJK, letters and digits, found in
#: the tokens joined by NUL (tokens of CJK, letters and digits alone are never repaired).
_CANDIDATE = re.compile("(?<![^\x00])(?=[^\x00]*[^\x00\u4e00-\u9fd5a-zA-Z0-9])[^\x00]{2,}")
_NOT_CJK_ALNUM = re.compile("[^\u4e00-\u9fd5a-zA-Z0-9]")
#: Non-CJK characters of jieba's Han blocks (re_han_default minus the CJK range).
_ASCII_RUN = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
#: Characters outside jieba's Han blocks (the complement of re_han_default).
_OUTSIDE_RUN = re.compile("[^\u4e00-\u9fd5a-zA-Z0-9+#&._%\\-]+")
#: jieba.finalseg.re_skip: how the HMM splits the non-CJK part of an unknown run.
_HMM_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
#: Without the HMM jieba joins single ASCII letters and digits (its ``re_eng``), nothing else.
_NO_HMM_PIECES = re.compile(r"[a-zA-Z0-9]+|.", re.S)
#: Outside Han blocks jieba yields ``\r\n`` (its ``re_skip_default``) or one character.
_OUTSIDE_PIECES = re.compile(r"\r\n|.", re.S)
#: Dictionary entry of jieba-rs that carries the rest of jieba's total (never looked up).
_TOTAL_FILLER = "\x01\x02"


def _candidates(tokens: list[str], joinable: bool) -> Iterator[tuple[int, str]]:
    """``(index, token)`` of the tokens that may need a repair: more than one character, at
    least one of them neither CJK nor a letter or digit. Found by one regular-expression scan
    of the tokens joined by NUL when the text has no NUL (``joinable``), else token by token.
    """
    if not joinable:
        for i, tok in enumerate(tokens):
            if len(tok) > 1 and _NOT_CJK_ALNUM.search(tok) is not None:
                yield i, tok
        return
    joined = "\x00".join(tokens)
    index = last = 0
    for m in _CANDIDATE.finditer(joined):
        index += joined.count("\x00", last, m.start())
        last = m.start()
        yield index, m.group()


def _import_rjieba() -> ModuleType:
    return importlib.import_module("rjieba")


def rjieba_version() -> str | None:
    """Installed rjieba version, or None when it is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("rjieba")
    except PackageNotFoundError:
        return None


def resolve_backend(requested: str) -> str:
    """The backend that segments for the ``backend`` setting ``requested``.

    Parameters
    ----------
    requested : {"auto", "jieba", "rjieba"}
        ``"auto"`` uses rjieba when it can be imported and falls back to jieba (logged at
        WARNING level) when not; ``"jieba"`` is the pure-Python reference; ``"rjieba"``
        requires rjieba.

    Returns
    -------
    str
        ``"jieba"`` or ``"rjieba"``.

    Raises
    ------
    ConfigError
        ``requested`` is ``"rjieba"`` and rjieba cannot be imported (the message names the
        ``backend`` setting and how to install rjieba).
    """
    if requested == "jieba":
        return "jieba"
    try:
        _import_rjieba()
    except ImportError as exc:
        if requested == "rjieba":
            raise ConfigError(
                f"backend: 'rjieba' was requested but rjieba cannot be imported ({exc}); "
                f"install it (pip install '{_RJIEBA_PIN}') or set backend to 'auto' or "
                "'jieba'"
            ) from exc
        logger.warning("rjieba cannot be imported (%s); segmenting with jieba instead", exc)
        return "jieba"
    return "rjieba"


class RjiebaCutter:
    """rjieba loaded with a jieba tokenizer's dictionary, cutting exactly as that tokenizer.

    Parameters
    ----------
    tokenizer : jieba.Tokenizer
        An initialised tokenizer, after every ``add_word`` (its ``FREQ`` and ``total`` are
        copied; later changes to it are not seen). It also cuts the chunks that rjieba
        cannot cut identically.

    Notes
    -----
    ``lcut(text, hmm)`` equals ``tokenizer.lcut(text, HMM=hmm)``; see the module docstring
    for how.
    """

    def __init__(self, tokenizer: Any) -> None:
        rjieba = _import_rjieba()
        self._tk = tokenizer
        self._freq = tokenizer.FREQ
        jb = rjieba.Jieba.empty()
        add = jb.add_word
        loaded = 0
        for word, freq in self._freq.items():
            if freq:
                add(word, freq, None)
                loaded += freq
        rest = int(tokenizer.total) - loaded
        if rest < 0:  # pragma: no cover - jieba's total never falls below its words' sum
            raise ValueError("jieba total is below the sum of its word frequencies")
        if rest:
            add(_TOTAL_FILLER, rest, None)
        self._jb = jb
        #: Chunks handed to jieba (wider Han characters or a token jieba never produces).
        self.fallbacks = 0

    def lcut(self, text: str, hmm: bool) -> list[str]:
        """Tokens of ``text``, identical to ``tokenizer.lcut(text, HMM=hmm)``."""
        if _WIDER_HAN_RE.search(text) is not None:
            self.fallbacks += 1
            return self._tk.lcut(text, HMM=hmm)
        tokens = self._jb.cut(text, hmm)
        if _SYMBOL_PAIR.search(text) is None:
            return tokens
        freq = self._freq
        repairs = []
        for i, tok in _candidates(tokens, "\x00" not in text):
            if freq.get(tok):
                continue  # a dictionary word: jieba's word graph gives it alike
            pieces = self._repair(tok, hmm)
            if pieces is None:
                self.fallbacks += 1
                return self._tk.lcut(text, HMM=hmm)
            if len(pieces) > 1:
                repairs.append((i, pieces))
        for i, pieces in reversed(repairs):
            tokens[i : i + 1] = pieces
        return tokens

    @staticmethod
    def _repair(tok: str, hmm: bool) -> list[str] | None:
        """jieba's tokens for one multi-character rjieba token that is neither a dictionary
        word nor all CJK; None for a token jieba never produces (mixed kinds)."""
        if _ASCII_RUN.fullmatch(tok):
            if hmm:
                return [p for p in _HMM_SKIP.split(tok) if p]
            return _NO_HMM_PIECES.findall(tok)
        if _OUTSIDE_RUN.fullmatch(tok):
            return _OUTSIDE_PIECES.findall(tok)
        return None
