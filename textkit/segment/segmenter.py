"""Segmentation stage: governance-aware word segmentation and analysis units.

Plain jieba breaks the concepts this research is about (社会治安综合治理 comes out as
社会治安 + 综合治理, 矛盾纠纷 as 矛盾 + 纠纷, 枫桥经验 as 枫桥 + 经验). This module wraps a
private :class:`jieba.Tokenizer` (never the global ``jieba.dt``) loaded with

* jieba's own dictionary (``dict.txt``),
* the shipped governance dictionary ``textkit/resources/userdict.txt`` (see its data card),
* every term of the frame lexicon (``textkit.frames.lexicon.load_lexicon().terms()``) when that
  module is available, and
* optional user dictionaries (paths) that add to or override the above.

Each entry's frequency is raised to at least jieba's own ``suggest_freq`` value so that the
entry beats jieba's split; every entry is then verified to come out as one token
(:meth:`Segmenter.dictionary_report`).

Two levels of output:

``Segmenter.cut``
    raw tokens, nothing removed: ``"".join(seg.cut(text)) == text`` always holds.
``Segmenter.tokenize``
    analysis tokens: whitespace, punctuation and numbers removed, stopwords and (by default)
    empty officialese removed, single characters removed except a documented keep-list
    (:data:`DEFAULT_KEEP_SINGLE`), and only content parts of speech kept
    (:data:`CONTENT_POS`). Placeholders such as 某镇 / 某县 / 某年 are always kept as one token,
    and so are the frame-lexicon terms (whatever their tag: 公开 is an adverb in jieba).

Part-of-speech tags come from a dictionary lookup, not from ``jieba.posseg``: the text is cut
with the tokenizer's fast ``lcut`` and each token is tagged with the POS column of jieba's
``dict.txt`` overlaid with the tags of the textkit / user dictionaries. Tokens unknown to the
dictionaries (found by jieba's HMM) are tagged by rule: all digits -> ``m``, Latin letters ->
``eng``, two or more CJK characters -> ``un`` (unknown word, kept as a content word),
punctuation / symbols -> ``x``. Unknown words that start or end with a function character
(:data:`UNKNOWN_EDGE_CHARS`; HMM artefacts such as 由镇, 这是) are dropped by ``tokenize``.
The filter decision depends on the token only and is memoised, so ``tokenize`` runs at about
0.9 times the speed of plain ``jieba.lcut`` (``benchmarks/bench_segment.py``), whereas
``jieba.posseg`` runs its own HMM tagger and is 5-28 times slower.

:func:`segment_corpus` turns a documents table into the **units** table of
``docs/architecture.md`` (one row per sentence, paragraph or document), optionally in
several processes and with a content-addressed cache (sqlite3, checksummed rows).

Usage::

    from textkit.segment.segmenter import Segmenter, segment_corpus, tokenize

    tokenize("加强社会治安综合治理，化解矛盾纠纷")   # ['社会治安综合治理', '化解', '矛盾纠纷']
    seg = Segmenter(userdict="my_terms.txt", drop_officialese=False)
    seg.dictionary_report().query("not ok")      # entries that do not segment as expected
    units = segment_corpus(documents, unit="paragraph", segmenter=seg, n_jobs=2)
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import dataclasses
import functools
import gc
import hashlib
import importlib.resources
import json
import logging
import math
import multiprocessing
import os
import re
import sqlite3
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import jieba
import numpy as np
import pandas as pd

from textkit.core.cache import code_fingerprint
from textkit.core.config import StageConfig
from textkit.core.errors import UserDictError
from textkit.core.paths import cache_dir

__all__ = [
    "CONTENT_POS",
    "DEFAULT_KEEP_SINGLE",
    "PLACEHOLDER_RE",
    "PLACEHOLDER_UNITS",
    "SHIPPED",
    "UNKNOWN_EDGE_CHARS",
    "Segmenter",
    "SegmenterConfig",
    "UserDictError",
    "document_pairs",
    "compare_segmentation",
    "dictionary_coverage",
    "get_segmenter",
    "load_wordlist",
    "read_userdict",
    "segment_corpus",
    "segmenter_config",
    "segmenter_for",
    "segmenter_from_config",
    "split_paragraphs",
    "split_sentences",
    "tokenize",
]

logger = logging.getLogger(__name__)

#: Marker meaning "the list shipped in ``textkit/resources``".
SHIPPED = "shipped"

#: Version of the tokenization rules; part of every fingerprint so caches invalidate
#: when the rules change.
_RULES_VERSION = "1"

#: Parts of speech kept by ``tokenize`` when ``pos_filter=True`` (jieba / ICTCLAS tags):
#: nouns (n, nr, nrt, nrfg, ns, nt, nz, ng), verbs and verbal nouns (v, vn, vg, vi, vd),
#: adjectives (a, an, ag), idioms and fixed phrases (i, l), abbreviations (j),
#: distinguishing words (b), place words (s), Latin words (eng) and words unknown to the
#: dictionaries that are two or more CJK characters long (un). Dropped: adverbs (d, ad),
#: pronouns (r), prepositions (p), conjunctions (c), particles (u*), numerals and
#: quantifiers (m, mq, q), time words (t), directional words (f), interjections and
#: onomatopoeia (e, o, y), morphemes (g, zg, dg, ...) and symbols (x).
CONTENT_POS: frozenset[str] = frozenset(
    "n nr nrt nrfg ns nt nz ng v vn vg vi vd a an ag i l j b s eng un".split()
)

#: Single characters that carry meaning in governance texts and are kept by ``tokenize``
#: although single characters are dropped otherwise: party, law, rights, people, and the
#: administrative levels (village, town, township, district, county, city, province,
#: state), plus 官 (official), 警 (police), 税 (tax), 地 (land), 粮 (grain), 房 (housing),
#: 田 (fields) and 钱 (money).
DEFAULT_KEEP_SINGLE: frozenset[str] = frozenset("党法权民村镇乡区县市省国官警税地粮房田钱")

#: Units that the cleaning stage's placeholder rules put after ``某`` (xx局 -> 某局); the
#: segmenter adds ``某`` + each unit to its dictionary so every placeholder is one token.
#: ``tests/test_segment.py`` checks this list against ``cleaning_rules.yaml``.
PLACEHOLDER_UNITS = (
    "省", "市", "县", "区", "镇", "乡", "村", "街道", "街", "社区", "州", "盟", "旗", "局",
    "委", "办", "厅", "所", "队", "公司", "单位", "小区", "组", "乡镇", "厂", "校",
    "年", "月", "日",
)  # fmt: skip

#: Placeholder tokens produced by the cleaning stage (``某`` + unit) and 某某 (a person).
PLACEHOLDER_RE = re.compile(
    "^某(?:某|" + "|".join(sorted(PLACEHOLDER_UNITS, key=lambda u: (-len(u), u))) + ")$"
)

_PLACEHOLDER_TAGS = {"某年": "t", "某月": "t", "某日": "t", "某某": "nr"}

#: Unknown words (tag ``un``, joined by jieba's HMM) that start or end with one of these
#: function characters are HMM artefacts (由镇, 以村, 这是, 我乡, 中来) and are dropped by
#: ``tokenize``.
UNKNOWN_EDGE_CHARS = frozenset(
    "的了是在和与及等对把被之也都而并为将从以于就其或又很所着过这那个们有我你他由各每一来中即到向给让使"
)

_NUMBER_RE = re.compile(
    r"^[+\-]?[\d０-９]+(?:[.．,，:：/\-~～][\d０-９]+)*[%％‰]?$"
    r"|^[零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟]+$"
)
_LATIN_RE = re.compile(r"^[A-Za-zＡ-Ｚａ-ｚ][A-Za-zＡ-Ｚａ-ｚ0-9０-９.\-_+#&]*$")
_CJK_RE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_USERDICT_WORD_OK = re.compile(r"^[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+$")  # jieba's re_han_default

_SENT_END = "。！？；!?;…"
_CLOSERS = "”’」』）)】》\"'"
_SENT_RE = re.compile(rf"[^{_SENT_END}\n]*(?:[{_SENT_END}]+[{_CLOSERS}]*|\n|$)")

#: Longest stretch handed to jieba at once; longer text is cut at punctuation (or, for a
#: stretch without any break, at this length) to keep memory flat.
_MAX_CHUNK = 4000
_KEEP_CACHE_MAX = 1_000_000
_BREAK_RE = re.compile(r"[。！？；!?;…，,、：:\n\r\t ]")




# --------------------------------------------------------------------------------------
# resources


def _resource_text(name: str) -> str:
    return (importlib.resources.files("textkit") / "resources" / name).read_text(encoding="utf-8")


def _resource_path(name: str) -> str:
    return str(importlib.resources.files("textkit") / "resources" / name)


def load_wordlist(source: str | os.PathLike | Iterable[str] | None, shipped_name: str) -> tuple:
    """Load a word list (stopwords, officialese) as a sorted tuple.

    Parameters
    ----------
    source : {"shipped"}, path-like, iterable of str or None
        ``"shipped"`` loads ``textkit/resources/<shipped_name>``; a path loads that file
        (UTF-8, one word per line, ``#`` starts a comment; several words on a line separated
        by whitespace are also accepted); an iterable is taken as the words themselves;
        ``None`` gives an empty list.
    shipped_name : str
        File name of the shipped list.

    Returns
    -------
    tuple of str
        Sorted, de-duplicated words.
    """
    if source is None:
        return ()
    if isinstance(source, str) and source == SHIPPED:
        text = _resource_text(shipped_name)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise ValueError(f"word list file not found: {path}")
        text = _decode_dict_bytes(path.read_bytes(), path)
    else:
        words = {str(w).strip() for w in source}
        return tuple(sorted(w for w in words if w))
    words = set()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words.update(line.split())
    return tuple(sorted(words))


# --------------------------------------------------------------------------------------
# user dictionary reading


@dataclass(frozen=True)
class _DictEntry:
    word: str
    freq: int | None
    tag: str | None
    source: str
    line: int


def _decode_dict_bytes(data: bytes, path: Path) -> str:
    """Decode a dictionary file: UTF-8 (BOM stripped), or GB18030 if the whole file is.

    A file that mixes UTF-8 and GBK lines cannot be repaired safely and raises
    :class:`UserDictError` naming the first line that is not UTF-8.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    first_bad = None
    utf8_nonascii = 0
    for i, raw in enumerate(lines, start=1):
        try:
            raw.decode("utf-8")
            if any(b > 0x7F for b in raw):
                utf8_nonascii += 1
        except UnicodeDecodeError:
            if first_bad is None:
                first_bad = i
    if utf8_nonascii == 0:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            pass
        else:
            logger.warning("%s: not UTF-8; decoded as GB18030 (GBK) instead", path)
            return text
    raise UserDictError(
        f"{path}, line {first_bad}: not valid UTF-8 (the file mixes encodings; save it as UTF-8)"
    )


def read_userdict(path: str | os.PathLike) -> list[_DictEntry]:
    """Read a jieba-format user dictionary (``word [freq] [tag]`` per line).

    Documented repairs (each logged at WARNING level):

    * a UTF-8 byte-order mark is removed; CRLF / CR line endings are accepted;
    * a file that is entirely GBK / GB18030 is decoded as such;
    * a missing frequency is allowed (the frequency is then chosen with jieba's
      ``suggest_freq`` so the word is cut as one token);
    * frequency 0 keeps jieba's meaning "never cut this as one token" (used to split
      jieba compounds that swallow a key term, e.g. 一票否决权 -> 一票否决 + 权);
    * a word written with spaces between CJK parts (``村民 议事会 5 n``) is joined
      (``村民议事会``), because jieba never produces a token containing a space.

    Blank lines and lines starting with ``#`` are skipped.

    Parameters
    ----------
    path : path-like
        The dictionary file.

    Returns
    -------
    list
        Entries in file order.

    Raises
    ------
    UserDictError
        If the file is missing, mixes encodings, or a line cannot be repaired (for example
        a Latin word containing spaces, a negative frequency); the message names the file
        and the line.
    """
    path = Path(path)
    if not path.is_file():
        raise UserDictError(f"user dictionary not found: {path}")
    text = _decode_dict_bytes(path.read_bytes(), path)
    entries = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.replace("\ufeff", "").strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        tag = freq = None
        if len(fields) >= 2 and re.fullmatch(r"[a-z]+", fields[-1]):
            tag = fields.pop()
        if len(fields) >= 2 and re.fullmatch(r"-?\d+", fields[-1]):
            freq = int(fields.pop())
            if freq < 0:
                raise UserDictError(f"{path}, line {lineno}: negative frequency in {line!r}")
        if len(fields) > 1:
            if all(_CJK_RE.match(f) for f in fields):
                word = "".join(fields)
                logger.warning(
                    "%s, line %d: word %r contains spaces; joined to %r", path, lineno, line, word
                )
            else:
                raise UserDictError(
                    f"{path}, line {lineno}: word contains spaces and cannot be one jieba "
                    f"token: {line!r} (expected 'word [freq] [tag]')"
                )
        else:
            word = fields[0]
        if not _USERDICT_WORD_OK.match(word):
            raise UserDictError(
                f"{path}, line {lineno}: {word!r} contains characters jieba always splits on "
                "(punctuation or symbols); it can never be one token"
            )
        entries.append(_DictEntry(word, freq, tag, str(path), lineno))
    return entries


# --------------------------------------------------------------------------------------
# jieba dictionary POS table (shared per process, read-only)


@functools.lru_cache(maxsize=1)
def _jieba_dict_info() -> tuple[dict[str, str], str]:
    """POS tag per word of jieba's ``dict.txt`` and the file's sha256."""
    data = (importlib.resources.files("jieba") / "dict.txt").read_bytes()
    tags: dict[str, str] = {}
    for line in data.decode("utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) >= 3:
            tags[parts[0]] = parts[2]
    return tags, hashlib.sha256(data).hexdigest()


def _rule_tag(word: str) -> str:
    if _NUMBER_RE.match(word):
        return "m"
    if _LATIN_RE.match(word):
        return "eng"
    if len(word) >= 2 and _CJK_RE.match(word):
        return "un"
    if len(word) == 1 and _CJK_RE.match(word):
        return "g"
    return "x"


# --------------------------------------------------------------------------------------
# config and segmenter


def _freeze_source(value: Any, setting: str) -> Any:
    if value is None or (isinstance(value, str) and value == SHIPPED):
        return value
    if isinstance(value, (str, os.PathLike)):
        return str(Path(value))
    if isinstance(value, Iterable):
        items = tuple(sorted({str(v) for v in value}))
        return items if items else None
    raise ValueError(f"{setting}: expected 'shipped', a path, a list of words or None")


@dataclass(frozen=True)
class SegmenterConfig(StageConfig):
    """Options of :class:`Segmenter` (all documented there); validated on creation."""

    table = "segment"

    @classmethod
    def _resolve(cls, project: Any, values: Mapping[str, Any]) -> dict[str, Any]:
        """File settings resolved against the project root (``"shipped"`` and word lists
        stay as they are)."""
        resolved: dict[str, Any] = {}
        for name in _PATH_SETTINGS:
            v = values.get(name)
            if name == "userdict" and isinstance(v, (list, tuple)):
                resolved[name] = tuple(str(project.resolve(p)) for p in v)
            elif isinstance(v, str) and v != SHIPPED:
                resolved[name] = str(project.resolve(v))
        return resolved

    userdict: tuple[str, ...] = ()
    governance_dict: bool = True
    lexicon: bool | str = True
    hmm: bool = True
    stopwords: Any = SHIPPED
    drop_officialese: bool = True
    officialese: Any = SHIPPED
    pos_filter: bool = True
    content_pos: frozenset[str] = field(default=CONTENT_POS)
    keep_single: frozenset[str] = field(default=DEFAULT_KEEP_SINGLE)
    min_len: int = 2
    drop_numbers: bool = True

    def __post_init__(self) -> None:
        ud = self.userdict
        if ud is None:
            ud = ()
        elif isinstance(ud, (str, os.PathLike)):
            ud = (ud,)
        ud = tuple(str(Path(p)) for p in ud)
        for p in ud:
            if not Path(p).is_file():
                raise ValueError(f"userdict: file not found: {p}")
        object.__setattr__(self, "userdict", ud)
        lex = self.lexicon
        if isinstance(lex, os.PathLike) or (isinstance(lex, str)):
            if not Path(lex).is_file():
                raise ValueError(f"lexicon: file not found: {lex}")
            object.__setattr__(self, "lexicon", str(Path(lex)))
        elif not isinstance(lex, bool):
            raise ValueError(f"lexicon: expected True, False or a lexicon file, got {lex!r}")
        for name in (
            "governance_dict",
            "hmm",
            "drop_officialese",
            "pos_filter",
            "drop_numbers",
        ):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name}: expected True or False, got {getattr(self, name)!r}")
        object.__setattr__(self, "stopwords", _freeze_source(self.stopwords, "stopwords"))
        object.__setattr__(self, "officialese", _freeze_source(self.officialese, "officialese"))
        if isinstance(self.content_pos, str) or not isinstance(self.content_pos, Iterable):
            raise ValueError("content_pos: expected a collection of POS tags")
        object.__setattr__(self, "content_pos", frozenset(str(t) for t in self.content_pos))
        if isinstance(self.keep_single, str):
            object.__setattr__(self, "keep_single", frozenset(self.keep_single))
        elif self.keep_single is None:
            object.__setattr__(self, "keep_single", frozenset())
        else:
            ks = frozenset(str(c) for c in self.keep_single)
            bad = sorted(c for c in ks if len(c) != 1)
            if bad:
                raise ValueError(f"keep_single: entries must be single characters, got {bad}")
            object.__setattr__(self, "keep_single", ks)
        if not isinstance(self.min_len, int) or isinstance(self.min_len, bool) or self.min_len < 1:
            raise ValueError(f"min_len: expected an integer >= 1, got {self.min_len!r}")

    def as_json(self) -> dict:
        """Settings as a JSON-ready dict with sorted collections."""
        d = asdict(self)
        d["content_pos"] = sorted(self.content_pos)
        d["keep_single"] = sorted(self.keep_single)
        for k in ("stopwords", "officialese"):
            if isinstance(d[k], tuple):
                d[k] = list(d[k])
        d["userdict"] = list(self.userdict)
        return d


def _load_lexicon_terms(path: str | None = None) -> list[str]:
    """All frame-lexicon terms, or [] while ``textkit.frames.lexicon`` is not available."""
    try:
        from textkit.frames import lexicon as _lexicon  # lazy: the module is optional
    except ImportError:
        logger.debug("textkit.frames.lexicon not available; frame terms not added")
        return []
    except Exception as exc:  # a module being written may fail to import
        logger.warning("textkit.frames.lexicon failed to import (%s); frame terms not added", exc)
        return []
    loader = getattr(_lexicon, "load_lexicon", None)
    if loader is None:
        return []
    if path is not None:
        terms = loader(path).terms()  # a user's lexicon: errors must surface
    else:
        try:
            terms = loader().terms()
        except Exception as exc:  # the shipped lexicon is developed in parallel
            logger.warning("could not load frame lexicon terms (%s); continuing without", exc)
            return []
    return sorted({str(t).strip() for t in terms if str(t).strip()})


class Segmenter:
    """Governance-aware jieba segmenter with its own tokenizer and dictionaries.

    Parameters
    ----------
    userdict : path-like or sequence of path-like, optional
        Extra jieba-format user dictionaries loaded after the shipped governance
        dictionary and the frame lexicon (later entries override earlier ones).
        ``None`` (default) uses the shipped dictionary only. See :func:`read_userdict`
        for the accepted format and repairs.
    governance_dict : bool, default True
        Load ``textkit/resources/userdict.txt``. ``False`` gives jieba's own dictionary
        (useful as a baseline).
    lexicon : bool or path-like, default True
        Add every term of the frame lexicon (``textkit.frames.lexicon.load_lexicon().terms()``) when
        that module exists, so that frame terms are single tokens; a path loads that
        lexicon file instead; False adds none. A lexicon term that contains a shipped entry
        (维稳工作 ⊃ 维稳) wins over it in context, so counts of the shorter term exclude
        those occurrences; ``dictionary_report()`` notes each such entry.
    hmm : bool, default True
        Use jieba's HMM to join runs of characters unknown to the dictionary (new words,
        names). Default True, as in jieba; recorded in :attr:`fingerprint`.
    stopwords : "shipped", path-like, iterable of str or None, default "shipped"
        Stopwords removed by :meth:`tokenize`. ``None`` or an empty list disables.
    drop_officialese : bool, default True
        Remove the empty officialese of ``resources/officialese.txt`` (进一步, 切实, 加强 …).
    officialese : "shipped", path-like or iterable of str, default "shipped"
        The officialese list used when ``drop_officialese`` is True.
    pos_filter : bool, default True
        Keep only content parts of speech (:data:`CONTENT_POS`).
    content_pos : collection of str, default :data:`CONTENT_POS`
        POS tags kept when ``pos_filter`` is True.
    keep_single : str or collection of str, default :data:`DEFAULT_KEEP_SINGLE`
        Single characters kept by :meth:`tokenize` (exempt from ``min_len`` and the POS
        filter).
    min_len : int, default 2
        Minimum token length in characters (keep-list characters and placeholders exempt).
    drop_numbers : bool, default True
        Remove numbers (Arabic, full-width or Chinese numerals).
    config : SegmenterConfig, optional
        A ready config; when given the other arguments must be left at their defaults.

    Attributes
    ----------
    config : SegmenterConfig
    fingerprint : str
        sha256 of jieba's dictionary, the effective dictionary entries and all settings.
    """

    def __init__(
        self,
        userdict: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
        *,
        config: SegmenterConfig | None = None,
        **options: Any,
    ) -> None:
        if config is None:
            config = SegmenterConfig(userdict=userdict or (), **options)
        elif userdict is not None or options:
            raise ValueError("config: pass either a SegmenterConfig or options, not both")
        self.config = config
        jieba.setLogLevel(logging.WARNING)
        self._base_tags, self._jieba_dict_sha = _jieba_dict_info()
        tk = jieba.Tokenizer()
        jdir = cache_dir("jieba")
        tk.tmp_dir = str(jdir)
        tk.cache_file = str(jdir / "jieba.default.cache")
        tk.initialize()
        self._tk = tk
        self._user_tags: dict[str, str] = {}
        self._keep_cache: dict[str, bool] = {}
        self._frame_terms: frozenset[str] = frozenset()
        self._report_rows: list[dict] = []
        self._load_dictionaries()
        self._stopwords = frozenset(load_wordlist(config.stopwords, "stopwords.txt"))
        self._officialese = (
            frozenset(load_wordlist(config.officialese, "officialese.txt"))
            if config.drop_officialese
            else frozenset()
        )
        self.fingerprint = self._compute_fingerprint()

    # -- dictionaries --------------------------------------------------------------------

    def _load_dictionaries(self) -> None:
        entries: list[_DictEntry] = []
        if self.config.governance_dict:
            entries.extend(
                dataclasses.replace(e, source="textkit:userdict.txt")
                for e in read_userdict(_resource_path("userdict.txt"))
            )
        known = {e.word for e in entries}
        entries.extend(
            _DictEntry(
                f"某{unit}", 100, _PLACEHOLDER_TAGS.get(f"某{unit}", "ns"), "textkit:placeholder", 0
            )
            for unit in PLACEHOLDER_UNITS
            if f"某{unit}" not in known
        )
        if self.config.lexicon is not False:
            known = {e.word for e in entries}
            lex_path = None if self.config.lexicon is True else self.config.lexicon
            lex_terms = _load_lexicon_terms(lex_path)
            self._frame_terms = frozenset(lex_terms)
            for term in lex_terms:
                if term in known:
                    continue
                if not _USERDICT_WORD_OK.match(term):
                    self._report_rows.append(
                        dict(
                            word=term,
                            source="textkit:lexicon",
                            line=0,
                            freq=None,
                            tag=None,
                            freq_used=None,
                            tokens=[term],
                            expect="one token",
                            one_token=False,
                            ok=False,
                            note="contains characters jieba always splits on",
                        )
                    )
                    continue
                if len(self._tk.lcut(term, HMM=False)) == 1:
                    continue  # already one token in jieba's dictionary
                entries.append(_DictEntry(term, None, None, "textkit:lexicon", 0))
        for path in self.config.userdict:
            entries.extend(read_userdict(path))
        tk = self._tk
        applied: dict[str, dict] = {}
        for e in entries:
            tag = e.tag or self._user_tags.get(e.word) or self._base_tags.get(e.word) or "nz"
            if e.freq == 0:
                # jieba's convention: frequency 0 means "never one token". Set it on this
                # tokenizer only (jieba's add_word would also change the global HMM
                # force-split list).
                tk.FREQ[e.word] = 0
                freq = 0
            else:
                freq = max(e.freq or 0, tk.suggest_freq(e.word, tune=False))
                tk.add_word(e.word, freq, tag)
            self._user_tags[e.word] = tag
            applied[e.word] = dict(
                word=e.word,
                source=e.source,
                line=e.line,
                freq=e.freq,
                tag=tag,
                freq_used=freq,
                expect="split" if freq == 0 else "one token",
            )
        shipped = sorted(
            w
            for w, r in applied.items()
            if r["source"] == "textkit:userdict.txt" and r["freq_used"]
        )
        for word in sorted(applied):
            row = applied[word]
            toks = tk.lcut(word, HMM=self.config.hmm)
            one = len(toks) == 1
            note = ""
            if row["source"] != "textkit:userdict.txt":
                inner = [w for w in shipped if w in word and w != word]
                if inner:
                    # a longer entry hides the shipped term inside it from token counts
                    note = "contains shipped entries: " + ", ".join(inner)
            row.update(
                tokens=toks, one_token=one, ok=one == (row["expect"] == "one token"), note=note
            )
            self._report_rows.append(row)
        hiding = [r["word"] for r in self._report_rows if r["note"].startswith("contains")]
        if hiding:
            logger.info(
                "%d lexicon / user entries contain shipped dictionary terms (see "
                "dictionary_report()['note']): %s",
                len(hiding),
                ", ".join(hiding[:10]),
            )
        failures = [r["word"] for r in self._report_rows if not r["ok"]]
        if failures:
            logger.warning(
                "%d dictionary entries do not segment as expected: %s",
                len(failures),
                ", ".join(failures[:10]),
            )
        self._dict_entries = tuple(
            sorted((w, r["freq_used"], r["tag"]) for w, r in applied.items())
        )

    def dictionary_report(self) -> pd.DataFrame:
        """Every loaded dictionary entry and whether it segments as expected.

        Returns
        -------
        pandas.DataFrame
            Columns ``word, source, line, freq`` (as written, may be missing),
            ``freq_used`` (after the ``suggest_freq`` floor), ``tag``, ``expect``
            (``"one token"``, or ``"split"`` for frequency-0 entries), ``tokens`` (the word
            cut by this segmenter), ``one_token`` (bool), ``ok`` (outcome matches
            ``expect``) and ``note``. Sorted by word. Failures are also logged at WARNING
            level when the segmenter is built.
        """
        cols = [
            "word",
            "source",
            "line",
            "freq",
            "freq_used",
            "tag",
            "expect",
            "tokens",
            "one_token",
            "ok",
            "note",
        ]
        df = pd.DataFrame(self._report_rows, columns=cols)
        return df.sort_values(["word", "source"], kind="stable").reset_index(drop=True)

    def _compute_fingerprint(self) -> str:
        payload = {
            "rules": [
                _RULES_VERSION,
                sorted(UNKNOWN_EDGE_CHARS),
                PLACEHOLDER_RE.pattern,
                _NUMBER_RE.pattern,
                _LATIN_RE.pattern,
                _MAX_CHUNK,
            ],
            "textkit": code_fingerprint(),  # version + code: an edited rule never reads old cuts
            "jieba": getattr(jieba, "__version__", "?"),
            "jieba_dict_sha256": self._jieba_dict_sha,
            "entries": [list(e) for e in self._dict_entries],
            "settings": {
                k: v
                for k, v in self.config.as_json().items()
                if k not in ("userdict", "stopwords", "officialese")
            },
            "frame_terms": sorted(self._frame_terms),
            "stopwords": sorted(self._stopwords),
            "officialese": sorted(self._officialese),
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()

    @property
    def frame_terms(self) -> frozenset[str]:
        """Frame-lexicon terms loaded (kept by :meth:`tokenize` whatever their POS)."""
        return self._frame_terms

    @property
    def stopwords(self) -> frozenset[str]:
        """The stopwords in use."""
        return self._stopwords

    @property
    def officialese(self) -> frozenset[str]:
        """The officialese words removed (empty when ``drop_officialese`` is False)."""
        return self._officialese

    # -- cutting -------------------------------------------------------------------------

    def _chunks(self, text: str) -> Iterable[str]:
        if len(text) <= _MAX_CHUNK:
            yield text
            return
        start, n = 0, len(text)
        while start < n:
            end = min(start + _MAX_CHUNK, n)
            if end < n:
                # cut after the last break character in the window, if any
                window = text[start:end]
                last = -1
                for m in _BREAK_RE.finditer(window):
                    last = m.end()
                if last > 0:
                    end = start + last
            yield text[start:end]
            start = end

    def cut(self, text: str) -> list[str]:
        """Raw tokens, nothing removed: ``"".join(cut(text)) == text``.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of str
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be str, got {type(text).__name__}")
        lcut = self._tk.lcut
        hmm = self.config.hmm
        out: list[str] = []
        for chunk in self._chunks(text):
            out.extend(lcut(chunk, HMM=hmm))
        return out

    def tag(self, word: str) -> str:
        """POS tag of one token: user/textkit dictionaries, then jieba's, then rules."""
        t = self._user_tags.get(word)
        if t is None:
            t = self._base_tags.get(word)
        if t is None:
            if PLACEHOLDER_RE.match(word):
                t = _PLACEHOLDER_TAGS.get(word, "ns")
            else:
                t = _rule_tag(word)
        return t

    def cut_pos(self, text: str) -> list[tuple[str, str]]:
        """Raw tokens with dictionary-lookup POS tags (see the module docstring)."""
        tag = self.tag
        return [(w, tag(w)) for w in self.cut(text)]

    def _keep(self, word: str, tag: str) -> bool:
        """The filtering rules of :meth:`tokenize` for one raw token and its tag."""
        cfg = self.config
        if PLACEHOLDER_RE.match(word) or word in self._frame_terms:
            return True  # frame terms are kept whatever their POS (公开 is tagged ad)
        if not word.strip() or tag == "x":
            return False
        if word in self._stopwords or word in self._officialese:
            return False
        if word in cfg.keep_single:
            return True  # exempt from min_len and the POS filter
        if len(word) < cfg.min_len:
            return False
        if cfg.drop_numbers and _NUMBER_RE.match(word):
            return False
        if cfg.pos_filter and tag not in cfg.content_pos:
            return False
        if tag == "un" and (word[0] in UNKNOWN_EDGE_CHARS or word[-1] in UNKNOWN_EDGE_CHARS):
            return False
        return True

    def _keep_word(self, word: str) -> bool:
        # The decision depends on the word only, so it is memoised per segmenter (the
        # vocabulary of a corpus is small next to its token count). Bounded: cleared when
        # it grows past _KEEP_CACHE_MAX entries.
        cache = self._keep_cache
        if len(cache) >= _KEEP_CACHE_MAX:
            cache.clear()
        k = cache[word] = self._keep(word, self.tag(word))
        return k

    def tokenize_pos(self, text: str) -> list[tuple[str, str]]:
        """Analysis tokens with their POS tags (the filtered output of :meth:`cut_pos`)."""
        tag = self.tag
        return [(w, tag(w)) for w in self.tokenize(text)]

    def tokenize(self, text: str) -> list[str]:
        """Analysis tokens: the filtered output of :meth:`cut`.

        Removes whitespace, punctuation, numbers (``drop_numbers``), stopwords,
        officialese (``drop_officialese``), tokens shorter than ``min_len`` except the
        keep-list characters, and non-content parts of speech (``pos_filter``).
        Placeholders (某镇, 某县, 某年, 某某 …) and frame-lexicon terms are always kept.

        Parameters
        ----------
        text : str

        Returns
        -------
        list of str
        """
        return self.filter(self.cut(text))

    def cut_sentences(self, text: str) -> list[tuple[str, list[str]]]:
        """The sentences of ``text`` with their raw tokens, segmenting ``text`` once.

        Equal to ``[(s, self.cut(s)) for s in split_sentences(text)]`` and about 10 % faster
        on sentence-sized units: jieba never joins characters across the punctuation, quotes
        or whitespace at which a sentence starts or ends, so the raw tokens of the whole text,
        taken between the sentence offsets, are the tokens of each sentence. A sentence whose
        offsets do not fall on token boundaries, and any text longer than one segmentation
        chunk, are segmented sentence by sentence instead.

        Parameters
        ----------
        text : str
            One paragraph (or any text without newlines; see :func:`split_sentences`).

        Returns
        -------
        list of (str, list of str)
        """
        if len(text) > _MAX_CHUNK:
            return [(s, self.cut(s)) for s in split_sentences(text)]
        raw = self.cut(text)
        out: list[tuple[str, list[str]]] = []
        i, pos, n = 0, 0, len(raw)
        for m in _SENT_RE.finditer(text):
            group = m.group(0)
            sentence = group.strip()
            if not sentence:
                continue
            start = m.start() + len(group) - len(group.lstrip())
            end = start + len(sentence)
            while i < n and pos < start:
                pos += len(raw[i])
                i += 1
            tokens: list[str] = []
            if pos == start:
                while i < n and pos < end:
                    tokens.append(raw[i])
                    pos += len(raw[i])
                    i += 1
            if pos != end or not tokens:
                tokens = self.cut(sentence)
            out.append((sentence, tokens))
        return out

    def filter(self, tokens: Iterable[str]) -> list[str]:
        """The analysis tokens among raw tokens: ``tokenize(text) == filter(cut(text))``.

        For callers that need both the raw and the analysis tokens of a text (frame scoring
        matches lexicon terms on the raw tokens and counts the analysis tokens), so that the
        text is segmented once.

        Parameters
        ----------
        tokens : iterable of str
            Raw tokens, as returned by :meth:`cut`.

        Returns
        -------
        list of str
        """
        get = self._keep_cache.get
        decide = self._keep_word
        out = []
        append = out.append
        for w in tokens:
            k = get(w)
            if k is None:
                k = decide(w)
            if k:
                append(w)
        return out

    def __repr__(self) -> str:
        return f"Segmenter(fingerprint={self.fingerprint[:12]}, hmm={self.config.hmm})"

    def __getstate__(self) -> dict:
        return {"config": self.config}

    def __setstate__(self, state: dict) -> None:
        self.__init__(config=state["config"])


# --------------------------------------------------------------------------------------
# module-level helpers


def _options_key(options: Mapping[str, Any]) -> str:
    def norm(v: Any) -> Any:
        if isinstance(v, (set, frozenset)):
            return sorted(v)
        if isinstance(v, os.PathLike):
            return str(v)
        if isinstance(v, (list, tuple)):
            return [norm(x) for x in v]
        return v

    return json.dumps(
        {k: norm(options[k]) for k in sorted(options)}, ensure_ascii=False, default=str
    )


_SEGMENTERS: dict[str, Segmenter] = {}


def get_segmenter(**options: Any) -> Segmenter:
    """A cached :class:`Segmenter` for these options (one per distinct set of options)."""
    key = _options_key(options)
    seg = _SEGMENTERS.get(key)
    if seg is None:
        seg = Segmenter(**options)
        _SEGMENTERS[key] = seg
    return seg


def tokenize(text: str, **options: Any) -> list[str]:
    """Analysis tokens of ``text`` with a cached default (or configured) segmenter.

    Parameters
    ----------
    text : str
    **options
        :class:`Segmenter` options; one segmenter is built and cached per distinct set.

    Returns
    -------
    list of str

    Examples
    --------
    >>> tokenize("加强社会治安综合治理，化解矛盾纠纷")
    ['社会治安综合治理', '化解', '矛盾纠纷']
    """
    return get_segmenter(**options).tokenize(text)


def split_paragraphs(text: str) -> list[str]:
    """Non-empty paragraphs of ``text`` (split at newlines, surrounding space stripped)."""
    return [
        p.strip() for p in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if p.strip()
    ]


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``.

    A sentence ends at 。！？；… (and ASCII ``!?;``), a run of them, or a newline; closing
    quotes and brackets (”’」』）】》) right after the ender stay with the sentence.
    Surrounding whitespace is stripped and empty sentences are dropped.
    """
    out = []
    for m in _SENT_RE.finditer(text):
        s = m.group(0).strip()
        if s:
            out.append(s)
    return out


# --------------------------------------------------------------------------------------
# configuration from textkit.toml

#: Settings of the ``[segment]`` table that name files (resolved against the project root).
_PATH_SETTINGS = ("userdict", "lexicon", "stopwords", "officialese")


def segmenter_config(project: Any = None) -> SegmenterConfig:
    """:meth:`SegmenterConfig.from_project`: the :class:`SegmenterConfig` described by the ``[segment]`` table of ``textkit.toml``.

    Every key of the table is a :class:`Segmenter` option (``hmm``, ``governance_dict``,
    ``lexicon``, ``userdict``, ``stopwords``, ``drop_officialese``, ``officialese``,
    ``pos_filter``, ``content_pos``, ``keep_single``, ``min_len``, ``drop_numbers``); absent
    keys take the defaults. File settings (``userdict``, a ``lexicon`` path, a
    ``stopwords`` / ``officialese`` path other than ``"shipped"``) are resolved against the
    project root, so a notebook running in ``notebooks/`` finds them. ``stopwords`` and
    ``officialese`` given as a TOML list are taken as the words themselves.

    Parameters
    ----------
    project : textkit.core.config.ProjectConfig or None
        Parsed ``textkit.toml`` (:func:`textkit.load_config`); ``None`` gives the defaults.

    Returns
    -------
    SegmenterConfig

    Raises
    ------
    textkit.core.config.ConfigError
        For an unknown key or an invalid value; the message names the file, the table and
        the key.
    """
    return SegmenterConfig.from_project(project)


#: One segmenter per configuration per process (forked pool workers inherit the entries;
#: Dask workers keep them across tasks).
_SEGMENTERS_BY_CONFIG: dict[str, Segmenter] = {}


def segmenter_for(config: SegmenterConfig, *, instance: Segmenter | None = None) -> Segmenter:
    """The :class:`Segmenter` for ``config`` in this process, built once.

    Parameters
    ----------
    config : SegmenterConfig
        The settings (picklable: pass this to worker tasks instead of a ``Segmenter``, which
        rebuilds its dictionaries, about a second, each time it is unpickled).
    instance : Segmenter, optional
        A segmenter already built with ``config``: registered when none is, so that forked
        workers reuse it.

    Returns
    -------
    Segmenter
    """
    key = json.dumps(config.as_json(), sort_keys=True, ensure_ascii=False, default=str)
    seg = _SEGMENTERS_BY_CONFIG.get(key)
    if seg is None:
        seg = instance if instance is not None else Segmenter(config=config)
        _SEGMENTERS_BY_CONFIG[key] = seg
    return seg


def segmenter_from_config(project: Any = None) -> Segmenter:
    """A cached :class:`Segmenter` built from the ``[segment]`` table of ``textkit.toml``.

    Parameters
    ----------
    project : textkit.core.config.ProjectConfig or None
        Parsed ``textkit.toml``; ``None`` gives the default segmenter.

    Returns
    -------
    Segmenter
        One instance per distinct :func:`segmenter_config` (so a notebook and the stages
        it calls share one tokenizer).
    """
    return segmenter_for(segmenter_config(project))


# --------------------------------------------------------------------------------------
# evidence: textkit against plain jieba


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


# --------------------------------------------------------------------------------------
# segment_corpus

_UNITS = ("sentence", "paragraph", "document")


def _unit_tokens(seg: Segmenter, text: str, unit: str) -> Iterable[tuple[int, int, str, list]]:
    """(para_id, sent_id, unit text, analysis tokens) of every unit of ``text``."""
    if unit == "document":
        t = text.strip()
        if t:
            yield -1, -1, t, seg.tokenize(t)
        return
    for p, para in enumerate(split_paragraphs(text)):
        if unit == "paragraph":
            yield p, -1, para, seg.tokenize(para)
            continue
        for s, (sentence, raw) in enumerate(seg.cut_sentences(para)):
            yield p, s, sentence, seg.filter(raw)


def _segment_text(seg: Segmenter, text: str, unit: str, with_pos: bool) -> list[list]:
    rows = []
    for p, s, t, tokens in _unit_tokens(seg, text, unit):
        if with_pos:
            rows.append([p, s, t, tokens, [seg.tag(w) for w in tokens]])
        else:
            rows.append([p, s, t, tokens])
    return rows


_WORKER_SEG: Segmenter | None = None


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic lists.

    Millions of token lists would otherwise trigger repeated full collections that scan
    the whole heap; these lists hold only strings, so reference counting frees them. The
    pause is process-wide (``gc.disable``) and ends with the block, also on an exception;
    the collector is switched back on only if it was on before.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _init_worker(seg: Segmenter, cache_env: str | None) -> None:
    # With the fork start method ``seg`` is the parent's segmenter, inherited as is; with
    # spawn it arrives pickled and is rebuilt from its config (see Segmenter.__setstate__).
    global _WORKER_SEG
    gc.enable()  # a worker forked while its parent paused the collector would inherit that
    if cache_env is not None:
        os.environ["TEXTKIT_CACHE_DIR"] = cache_env
    _WORKER_SEG = seg


def _mp_context() -> multiprocessing.context.BaseContext:
    """fork on Linux (fast, no re-import of ``__main__``), spawn elsewhere."""
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _worker_batch(batch: list[str], unit: str, with_pos: bool) -> list[list[list]]:
    assert _WORKER_SEG is not None
    with paused_gc():
        out = [_segment_text(_WORKER_SEG, t, unit, with_pos) for t in batch]
        # one object per distinct token, so pickle sends each word once per batch
        memo: dict[str, str] = {}
        for rows in out:
            for r in rows:
                r[3] = [memo.setdefault(w, w) for w in r[3]]
    return out


class _UnitCache:
    """sqlite3 cache of segmented texts keyed by (text sha256, fingerprint, unit, pos)."""

    _SCHEMA = (
        "CREATE TABLE IF NOT EXISTS units (key TEXT PRIMARY KEY, payload BLOB NOT NULL,"
        " checksum TEXT NOT NULL)"
    )

    def __init__(self, path: Path) -> None:
        self.path = path
        self.con = sqlite3.connect(str(path), timeout=60)
        try:
            self.con.execute(self._SCHEMA)
            self.con.commit()
        except sqlite3.DatabaseError as exc:
            # not a database (truncated / overwritten): it is only a cache, start afresh
            logger.warning("segmentation cache %s is unreadable (%s); recreating it", path, exc)
            self.con.close()
            path.unlink(missing_ok=True)
            self.con = sqlite3.connect(str(path), timeout=60)
            self.con.execute(self._SCHEMA)
            self.con.commit()

    @staticmethod
    def key(text: str, fingerprint: str, unit: str, with_pos: bool) -> str:
        h = hashlib.sha256(text.encode("utf-8")).hexdigest()
        return f"{h}:{fingerprint}:{unit}:{int(with_pos)}"

    def get_many(self, keys: Sequence[str]) -> dict[str, list]:
        found: dict[str, list] = {}
        uniq = sorted(set(keys))
        for i in range(0, len(uniq), 500):
            part = uniq[i : i + 500]
            marks = ",".join("?" * len(part))
            q = f"SELECT key, payload, checksum FROM units WHERE key IN ({marks})"
            for key, payload, checksum in self.con.execute(q, part):
                payload = bytes(payload)
                if hashlib.sha256(payload).hexdigest() != checksum:
                    logger.warning("corrupt segmentation cache entry %s; recomputing", key[:16])
                    continue
                try:
                    found[key] = json.loads(payload.decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    logger.warning("unreadable segmentation cache entry %s; recomputing", key[:16])
        return found

    def put_many(self, items: Mapping[str, list]) -> None:
        rows = []
        for key in sorted(items):
            payload = json.dumps(items[key], ensure_ascii=False).encode("utf-8")
            rows.append((key, payload, hashlib.sha256(payload).hexdigest()))
        with self.con:
            self.con.executemany(
                "INSERT OR REPLACE INTO units (key, payload, checksum) VALUES (?, ?, ?)", rows
            )

    def close(self) -> None:
        self.con.close()


def document_pairs(docs: Any) -> list[tuple[str, str]]:
    """``(doc_id, text)`` pairs from a documents table, a mapping or an iterable of pairs.

    Parameters
    ----------
    docs : pandas.DataFrame, mapping or iterable
        A table with ``doc_id`` and ``text`` columns, a mapping ``doc_id -> text``, or
        ``(doc_id, text)`` pairs. Missing texts (None / NaN) become ``""``.

    Returns
    -------
    list of (str, str)

    Raises
    ------
    ValueError
        On a missing column, a duplicate ``doc_id`` or a text that is not a string.
    """
    if isinstance(docs, pd.DataFrame):
        missing = [c for c in ("doc_id", "text") if c not in docs.columns]
        if missing:
            raise ValueError(f"docs: missing column(s) {missing}; need doc_id and text")
        pairs = list(zip(docs["doc_id"].astype(str), docs["text"], strict=True))
    elif isinstance(docs, Mapping):
        pairs = [(str(k), v) for k, v in docs.items()]
    else:
        pairs = [(str(k), v) for k, v in docs]
    out = []
    seen = set()
    for doc_id, text in pairs:
        if doc_id in seen:
            raise ValueError(f"docs: duplicate doc_id {doc_id!r}")
        seen.add(doc_id)
        if text is None or (isinstance(text, float) and math.isnan(text)):
            text = ""
        if not isinstance(text, str):
            raise ValueError(f"docs: text of {doc_id!r} is {type(text).__name__}, not str")
        out.append((doc_id, text))
    return out


def segment_corpus(
    docs: pd.DataFrame | Mapping[str, str] | Iterable[tuple[str, str]],
    unit: str = "sentence",
    segmenter: Segmenter | None = None,
    n_jobs: int = 1,
    cache: bool | str | os.PathLike = True,
    with_pos: bool = False,
) -> pd.DataFrame:
    """Segment documents into the **units** table.

    Parameters
    ----------
    docs : DataFrame with ``doc_id`` and ``text``, mapping doc_id -> text, or pairs
        The documents (paragraphs separated by ``"\\n"``). Not modified.
    unit : {"sentence", "paragraph", "document"}, default "sentence"
        Unit of analysis. Sentences are split by :func:`split_sentences` within the
        paragraphs of :func:`split_paragraphs`.
    segmenter : Segmenter, optional
        Defaults to the cached default segmenter (``get_segmenter()``).
    n_jobs : int, default 1
        Worker processes (``ProcessPoolExecutor``; fork context on Linux, spawn
        elsewhere; chunked). Results are
        identical to ``n_jobs=1``.
    cache : bool or path-like, default True
        Reuse / store results in ``cache_dir("segment")/units.sqlite`` (or the given
        sqlite file), keyed by (text sha256, segmenter fingerprint, unit, with_pos). Each
        row carries a sha256 checksum; a corrupt row is logged and recomputed.
    with_pos : bool, default False
        Add a ``pos`` column (list of tags, parallel to ``tokens``).

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id, para_id, sent_id, unit_id, text, tokens`` (+ ``pos``), in
        document order. ``para_id`` is the 0-based index of the non-empty paragraph
        (``-1`` for document units), ``sent_id`` the 0-based sentence index within the
        paragraph (``-1`` for paragraph and document units), ``unit_id`` the running index
        within the document. Units whose text is non-empty are kept even if no token
        survives filtering (``tokens`` is then empty).
    """
    if unit not in _UNITS:
        raise ValueError(f"unit: expected one of {_UNITS}, got {unit!r}")
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs < 1:
        raise ValueError(f"n_jobs: expected an integer >= 1, got {n_jobs!r}")
    if not isinstance(with_pos, bool):
        raise ValueError(f"with_pos: expected True or False, got {with_pos!r}")
    pairs = document_pairs(docs)
    seg = segmenter if segmenter is not None else get_segmenter()
    if not isinstance(seg, Segmenter):
        raise ValueError("segmenter: expected a textkit.segment.segmenter.Segmenter")

    store = None
    if cache is not False and cache is not None:
        path = cache_dir("segment") / "units.sqlite" if cache is True else Path(cache)
        path.parent.mkdir(parents=True, exist_ok=True)
        store = _UnitCache(path)
    results: dict[str, list] = {}
    keys = [_UnitCache.key(t, seg.fingerprint, unit, with_pos) for _, t in pairs]
    try:
        if store is not None:
            results.update(store.get_many(keys))
        todo_keys: list[str] = []
        todo_texts: list[str] = []
        seen: set[str] = set()
        for key, (_, text) in zip(keys, pairs, strict=True):
            if key not in results and key not in seen:
                seen.add(key)
                todo_keys.append(key)
                todo_texts.append(text)
        if todo_texts:
            logger.info("segmenting %d of %d documents", len(todo_texts), len(pairs))
            computed = _run_segmentation(seg, todo_texts, unit, with_pos, n_jobs)
            fresh = dict(zip(todo_keys, computed, strict=True))
            results.update(fresh)
            if store is not None:
                store.put_many(fresh)
    finally:
        if store is not None:
            store.close()

    with paused_gc():
        return _units_frame(pairs, keys, results, with_pos)


def _units_frame(
    pairs: list[tuple[str, str]], keys: list[str], results: Mapping[str, list], with_pos: bool
) -> pd.DataFrame:
    """The units table, built column by column (a dict per unit would cost as much as a
    tenth of the segmentation)."""
    columns: dict[str, Any] = {c: [] for c in ("doc_id", "para_id", "sent_id", "unit_id")}
    columns.update(text=[], tokens=[], **({"pos": []} if with_pos else {}))
    for key, (doc_id, _) in zip(keys, pairs, strict=True):
        res = results[key]
        columns["doc_id"].extend([doc_id] * len(res))
        columns["unit_id"].extend(range(len(res)))
        for r in res:
            columns["para_id"].append(r[0])
            columns["sent_id"].append(r[1])
            columns["text"].append(r[2])
            columns["tokens"].append(list(r[3]))  # own lists: equal texts share a result
            if with_pos:
                columns["pos"].append(list(r[4]))
    for c, values in columns.items():
        if c in ("para_id", "sent_id", "unit_id"):
            columns[c] = np.asarray(values, dtype=np.int64)
        elif not values:
            # an empty table gets the dtypes of a filled one: strings as pandas infers them
            # (``str`` in pandas 3, object before), token lists as object
            dtype = pd.Series([""]).dtype if c in ("doc_id", "text") else object
            columns[c] = pd.Series([], dtype=dtype)
    return pd.DataFrame(columns)


def _run_segmentation(
    seg: Segmenter, texts: list[str], unit: str, with_pos: bool, n_jobs: int
) -> list[list]:
    if n_jobs == 1 or len(texts) < 2:
        with paused_gc():
            return [_segment_text(seg, t, unit, with_pos) for t in texts]
    n_workers = min(n_jobs, len(texts))
    size = max(1, math.ceil(len(texts) / (n_workers * 16)))
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    ctx = _mp_context()
    with concurrent.futures.ProcessPoolExecutor(
        max_workers=n_workers,
        mp_context=ctx,
        initializer=_init_worker,
        initargs=(seg, str(cache_dir())),
    ) as ex:
        out: list[list] = []
        # submitted (and the workers forked) before the pause, so they run with the collector on
        parts = ex.map(_worker_batch, batches, [unit] * len(batches), [with_pos] * len(batches))
        with paused_gc():
            for part in parts:
                out.extend(part)
    return out
