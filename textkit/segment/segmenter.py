"""Segmentation stage: governance-aware word segmentation and analysis units.

Plain jieba breaks the concepts this research is about (社会治安综合治理 comes out as
社会治安 + 综合治理, 矛盾纠纷 as 矛盾 + 纠纷, 枫桥经验 as 枫桥 + 经验). This module wraps a
private :class:`jieba.Tokenizer` (never the global ``jieba.dt``) loaded with

* jieba's own dictionary (``dict.txt``),
* the shipped governance dictionary ``textkit/resources/userdict.txt`` (see its data card),
* every term of the frame lexicon (``textkit.core.lexicon.load_lexicon().terms()``), and
* optional user dictionaries (paths) that add to or override the above.

Each entry's frequency is raised to at least jieba's own ``suggest_freq`` value so that the
entry beats jieba's split; every entry is then verified to come out as one token
(:meth:`Segmenter.dictionary_report`).

The tokenizer is the reference; the ``backend`` option chooses what cuts with its dictionary:
jieba itself, or rjieba (jieba-rs, compiled) loaded with the same effective dictionary and
repaired where the two differ, so that the tokens are identical
(:mod:`textkit.segment.backend`). The default ``"auto"`` uses rjieba when it is installed.

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
0.9 times the speed of plain ``jieba.lcut`` with the jieba backend and 7-14 times with the
rjieba backend, whose ``cut`` runs at 10-18 times ``jieba.lcut``
(``benchmarks/bench_segment.py``), whereas ``jieba.posseg`` runs its own HMM tagger and is
5-28 times slower.

:func:`get_segmenter` and :func:`segmenter_for` keep one segmenter per set of options or per
:class:`~textkit.segment.config.SegmenterConfig` in each process; :func:`tokenize` is the
one-line entry point and :func:`segmenter_from_config` builds the segmenter of the
``[segment]`` table of ``textkit.toml``.

Usage::

    from textkit.segment.segmenter import Segmenter, tokenize

    tokenize("加强社会治安综合治理，化解矛盾纠纷")   # ['社会治安综合治理', '化解', '矛盾纠纷']
    seg = Segmenter(userdict="my_terms.txt", drop_officialese=False)
    seg.dictionary_report().query("not ok")      # entries that do not segment as expected
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import itertools
import json
import logging
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import jieba
import pandas as pd

from textkit.core.cache import code_fingerprint
from textkit.core.lexicon import terms_inside
from textkit.segment.backend import RjiebaCutter, resolve_backend, rjieba_version
from textkit.segment.config import SegmenterConfig, segmenter_config
from textkit.segment.dictionary import (
    _DictEntry,
    _jieba_dict_info,
    _load_lexicon_terms,
    _new_tokenizer,
    _resource_path,
    load_wordlist,
    read_userdict,
)
from textkit.segment.rules import (
    _LATIN_RE,
    _NUMBER_RE,
    _PLACEHOLDER_TAGS,
    _RULES_VERSION,
    _USERDICT_WORD_OK,
    PLACEHOLDER_RE,
    PLACEHOLDER_UNITS,
    UNKNOWN_EDGE_CHARS,
    _rule_tag,
)
from textkit.segment.units import _SENT_RE, split_sentences

__all__ = [
    "Segmenter",
    "get_segmenter",
    "segmenter_for",
    "segmenter_from_config",
    "tokenize",
]

logger = logging.getLogger(__name__)

#: Longest stretch handed to jieba at once; longer text is cut at punctuation (or, for a
#: stretch without any break, at this length) to keep memory flat.
_MAX_CHUNK = 4000
_KEEP_CACHE_MAX = 1_000_000
_BREAK_CHARS = "。！？；!?;…，,、：:\n\r\t "


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
        Add every term of the frame lexicon (``textkit.core.lexicon.load_lexicon().terms()``),
        so that frame terms are single tokens; a path loads that
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
    backend : {"auto", "jieba", "rjieba"}, default "auto"
        What runs jieba's algorithm with this segmenter's dictionary: ``"jieba"`` is the
        pure-Python reference; ``"rjieba"`` the compiled jieba-rs, loaded with the same
        dictionary and repaired to give the same tokens, 10-18 times faster
        (:class:`~textkit.segment.backend.RjiebaCutter`); ``"auto"`` uses rjieba when it
        can be imported and jieba otherwise (logged at WARNING level). ``"rjieba"`` without
        rjieba installed raises :class:`~textkit.core.errors.ConfigError`. The
        :attr:`fingerprint` records the backend actually used (with rjieba's version), not
        the one requested: the tokens are identical by construction, and the fingerprint
        says what produced them, so ``"auto"`` shares the fingerprint (and the caches) of
        the backend it resolved to.
    term_parts : bool, default False
        :meth:`tokenize` (and :meth:`filter`) also emit the frame-lexicon terms inside a
        longer token that is not itself a term, after it, like jieba's search mode:
        综治维稳 -> 综治维稳, 综治, 维稳 (leftmost-longest, non-overlapping, as frame scoring
        finds them, :func:`textkit.core.lexicon.terms_inside`; a weight-0 entry such as
        自治区 blocks the 自治 inside it). Term frequencies, the DTM,
        keyness and co-occurrence then count 维稳 in every 综治维稳, as frame scoring does;
        token counts grow by the parts, so per-1,000 rates are not comparable with a run
        without them. Off by default: the analysis tokens of a text are then its words.
    config : SegmenterConfig, optional
        A ready config; when given the other arguments must be left at their defaults.

    Attributes
    ----------
    config : SegmenterConfig
    backend : str
        The backend that cuts: ``"jieba"`` or ``"rjieba"`` (``config.backend`` resolved by
        :func:`~textkit.segment.backend.resolve_backend`).
    fingerprint : str
        sha256 of jieba's dictionary, the effective dictionary entries, all settings and the
        backend used (with rjieba's version).
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
        self._tk = _new_tokenizer()  # prefix dictionary from the verified cache
        self._user_tags: dict[str, str] = {}
        self._keep_cache: dict[str, bool] = {}
        self._parts_cache: dict[str, tuple[str, ...]] = {}
        self._frame_terms: frozenset[str] = frozenset()
        self._longest_term = 0
        self._report_rows: list[dict] = []
        self.backend = resolve_backend(config.backend)
        self._rjieba: RjiebaCutter | None = None
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
            self._longest_term = max((len(t) for t in lex_terms), default=0)
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
        if self.backend == "rjieba":
            # after the last add_word: rjieba receives the tokenizer's final dictionary
            self._rjieba = RjiebaCutter(tk)
        shipped = sorted(
            w
            for w, r in applied.items()
            if r["source"] == "textkit:userdict.txt" and r["freq_used"]
        )
        for word in sorted(applied):
            row = applied[word]
            toks = self._lcut(word)
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
            # the backend used, not the one requested: tokens are identical by construction,
            # the fingerprint says what produced them
            "backend": [self.backend, rjieba_version() if self.backend == "rjieba" else None],
            "entries": [list(e) for e in self._dict_entries],
            "settings": {
                k: v
                for k, v in self.config.as_json().items()
                if k not in ("userdict", "stopwords", "officialese", "backend")
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
                last = max(text.rfind(c, start, end) for c in _BREAK_CHARS)
                if last >= 0:
                    end = last + 1
            yield text[start:end]
            start = end

    def _lcut(self, text: str) -> list[str]:
        """Tokens of one chunk from the backend (jieba's ``lcut`` with this HMM setting)."""
        if self._rjieba is not None:
            return self._rjieba.lcut(text, self.config.hmm)
        return self._tk.lcut(text, HMM=self.config.hmm)

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
        if len(text) <= _MAX_CHUNK:
            return self._lcut(text)
        lcut = self._lcut
        out: list[str] = []
        for chunk in self._chunks(text):
            out.extend(lcut(chunk))
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
        # offsets[k]: where token k starts (offsets[-1]: the text's end)
        offsets = [0, *itertools.accumulate(map(len, raw))]
        out: list[tuple[str, list[str]]] = []
        for m in _SENT_RE.finditer(text):
            group = m.group(0)
            sentence = group.strip()
            if not sentence:
                continue
            start = m.start() + len(group) - len(group.lstrip())
            end = start + len(sentence)
            i = bisect.bisect_left(offsets, start)  # the first token starting at or after it
            j = bisect.bisect_left(offsets, end, i)
            if i < j < len(offsets) and offsets[i] == start and offsets[j] == end:
                tokens = raw[i:j]
            else:  # the sentence's edges are not token boundaries
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
        parts = self._parts_of if self.config.term_parts else None
        for w in tokens:
            k = get(w)
            if k is None:
                k = decide(w)
            if k:
                append(w)
            if parts is not None and len(w) > 2:
                out.extend(parts(w))
        return out

    def _parts_of(self, word: str) -> tuple[str, ...]:
        """The frame terms inside ``word`` (``term_parts``), memoised per word."""
        cache = self._parts_cache
        found = cache.get(word)
        if found is None:
            if len(cache) >= _KEEP_CACHE_MAX:
                cache.clear()
            if word in self._frame_terms:  # a term is one hit, as in frame scoring
                found = cache[word] = ()
            else:
                inside = terms_inside(word, self._frame_terms, self._longest_term)
                found = cache[word] = tuple(t for _, _, t in inside)
        return found

    def __repr__(self) -> str:
        return (
            f"Segmenter(fingerprint={self.fingerprint[:12]}, hmm={self.config.hmm}, "
            f"backend={self.backend!r})"
        )

    def __getstate__(self) -> dict:
        return {"config": self.config}

    def __deepcopy__(self, memo: dict) -> Segmenter:
        """The segmenter itself: what it does is fixed by its config (all else it holds is
        derived from the config, or a memo of results), so a copy would only load its
        dictionaries again; sklearn's ``clone`` deep-copies the segmenter an estimator is
        given, once per fold of a cross-validation."""
        return self

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
