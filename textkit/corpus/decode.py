"""Strict decoding of text bytes: the decoder of raw pages, text and HTML files and tables.

:func:`decode_bytes` turns the bytes of a file into text or says why it cannot:
:class:`IngestConfig` holds the options of the ingest stage (candidate encodings and
repairs, and the options of :mod:`textkit.corpus.ingest`, which reads raw pages with it).

Decoding is strict (never ``errors="ignore"`` or ``"replace"``):

1. a byte-order mark decides (UTF-32, UTF-8, UTF-16, checked longest first);
2. otherwise the candidate encodings (UTF-8, GB18030, Big5-HKSCS by default) are tried
   strictly; when exactly one succeeds it is used;
3. when several succeed (short texts are often valid GB18030 *and* Big5), UTF-8 wins for
   texts with at least ``utf8_min_nonascii`` non-ASCII bytes (random non-UTF-8 text is
   practically never valid UTF-8); otherwise the HTML ``<meta charset>`` declaration breaks
   the tie if it names one of the successful decodings (GB2312/GBK are read as their
   superset GB18030), and otherwise ``charset-normalizer`` chooses among them. The
   declaration is a hint only: it never overrides the bytes, and a declaration that
   disagrees with the encoding chosen is recorded in ``repairs``. Between Chinese codecs
   (GB18030 and Big5-HKSCS: nearly every Big5 text is valid GB18030, and a short GBK text
   such as "维稳" is also valid Big5 "峎恛") the readings' characters are compared too:
   the reading with the larger share of common Chinese characters (the 3,500 commonest of
   jieba's dictionary, a traditional character counted as its simplified form; then the
   higher mean log frequency) is read. When ``charset-normalizer`` cannot tell the
   decodings apart, or prefers the other reading, the page is still read — nothing is
   dropped — but the guess is never silent: ``repairs`` says "ambiguous encoding", quoting
   the start of each reading and what decided, and a warning naming the file is logged.
   Check such a page, or give ``encoding`` where the reader accepts one;
4. a multibyte character cut off at the end of the file is repaired by dropping the
   incomplete trailing bytes (recorded in ``repairs``; ``repair_truncated=False`` rejects
   the file instead). UTF-8 text cut this way stays UTF-8 even when another candidate
   accepts the bytes as a whole (it would only give mojibake);
5. a file whose lines mix UTF-8 text with lines in another encoding is rejected
   (``mixed_encoding``), naming the first line that is not UTF-8: decoded as a whole in
   any one encoding, part of it would become mojibake. Any other undecodable byte rejects
   the file with the offset of the first bad byte.

Rejected too: empty and whitespace-only files, and binary files (NUL bytes without a
UTF-16/32 BOM, PDF / JPEG / PNG / GIF / ZIP magic numbers, or a high share of control
characters). The pages table's ``reject_kind`` gives the category of each rejection
(:data:`REJECT_KINDS`), ``reason`` the message. Newlines are normalised to ``"\\n"`` and
a BOM in mid-file is removed (recorded).
"""

from __future__ import annotations

import codecs
import logging
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from textkit.core.checks import check_bool, check_int, check_number, check_str
from textkit.core.config import StageConfig, compile_pattern
from textkit.core.errors import InvalidParameterError

# messages keep the logger name of the module this code was split from
logger = logging.getLogger("textkit.corpus.ingest")

__all__ = [
    "MAX_FILE_BYTES",
    "REJECT_KINDS",
    "DecodeResult",
    "IngestConfig",
    "decode_bytes",
    "oversized",
]

#: The bytes that are not ASCII (deleted to count them).
_NON_ASCII = bytes(range(0x80, 0x100))
#: Control characters other than tab, line feed and form feed (C0 and C1, and DEL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0d-\x1f\x7f-\x9f]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"),
)

#: Documents a file of text may really be, by the signature of its bytes and, for a ZIP
#: archive, the member that names its format: (signature, member, what it is, its suffix).
_DOCUMENT_KINDS = (
    (b"%PDF-", "", "a PDF document", ".pdf"),
    (b"PK\x03\x04", "word/document.xml", "a Word document", ".docx"),
    (b"PK\x03\x04", "xl/workbook.xml", "an Excel workbook", ".xlsx"),
    (b"PK\x03\x04", "ppt/presentation.xml", "a PowerPoint presentation", ".pptx"),
)


def _disguised(data: bytes, name: str) -> str:
    """What to do when ``data`` is a document of another format saved under the suffix of
    text (a Word document named ``.txt``): rename it. The file is not read by its content,
    since its name is the key of its metadata row; "" when the bytes are no such document."""
    for magic, member, what, suffix in _DOCUMENT_KINDS:
        # a ZIP archive stores each member's name in plain bytes in its local header
        if data.startswith(magic) and (not member or member.encode() in data):
            where = os.path.splitext(name)[1] or "no suffix"
            if suffix == ".xlsx":
                todo = "rename it to .xlsx and read it as a table (read_texts(..., text=...))"
            else:
                todo = f"rename it to {suffix} (and its row in a metadata table, if any)"
            return f": {what} ({suffix}) saved under {where!r}: {todo}"
    return ""


#: Declared charsets read as a superset encoding.
_CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "gb18030": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "big5hkscs": "big5hkscs",
    "cp950": "big5hkscs",
    "utf-8": "utf-8",
    "utf8": "utf-8",
}

_RE_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_\-]{2,20})""", re.I
)


@dataclass(frozen=True)
class IngestConfig(StageConfig):
    """Options of the ingest stage.

    Parameters
    ----------
    encodings : tuple of str
        Candidate encodings tried strictly, in order (default UTF-8, GB18030, Big5-HKSCS).
    max_control_ratio : float
        Share of control characters (other than tab / newline / carriage return / form
        feed) above which a decoded file counts as binary (default 0.01).
    utf8_min_nonascii : int
        When UTF-8 and another candidate both decode a file with at least this many
        non-ASCII bytes, UTF-8 is chosen without asking charset-normalizer (default 16).
    repair_truncated : bool
        Drop an incomplete multibyte character at the end of the file instead of
        rejecting the file (default True; recorded in ``repairs``).
    follow_outside_links : bool
        Read a symbolic link in the raw directory that points to a file outside it
        (default False: such a link is skipped as ``outside_link``, with its reason).
    site_patterns : tuple of str
        Regular expressions with a named group ``site``; the first match names the site.
    title_skip_patterns : tuple of str
        Lines matching one of these are not taken as the page title (chrome, spam).
    """

    table = "ingest"

    encodings: tuple[str, ...] = ("utf-8", "gb18030", "big5hkscs")
    max_control_ratio: float = 0.01
    utf8_min_nonascii: int = 16
    repair_truncated: bool = True
    follow_outside_links: bool = False
    site_patterns: tuple[str, ...] = (
        r"网站[:：]\s*(?P<site>[^\s|]{2,20})",
        r"由(?P<site>[^\s,，。]{1,10}网)整理",
        r"(?m)^(?P<site>\S{2,10}网)\s+精选范文",
        r"(?m)^(?P<site>\S{2,12})\s+首页\s*$",
    )
    title_skip_patterns: tuple[str, ...] = (
        r"首页",
        r"精选范文|优秀范文",
        r"^\|",
        r"/.{0,40}/",
        r"^时间[:：]",
        r"^https?://",
    )

    def __post_init__(self) -> None:
        if not self.encodings:
            raise InvalidParameterError(
                f"IngestConfig.encodings: expected at least one encoding, got {self.encodings!r}"
            )
        for enc in self.encodings:
            try:
                codecs.lookup(check_str("IngestConfig.encodings", enc))
            except LookupError as exc:
                raise InvalidParameterError(
                    f"IngestConfig.encodings: unknown encoding {enc!r}"
                ) from exc
        check_number("IngestConfig.max_control_ratio", self.max_control_ratio, 0, 1)
        check_int("IngestConfig.utf8_min_nonascii", self.utf8_min_nonascii, 1)
        check_bool("IngestConfig.follow_outside_links", self.follow_outside_links)
        for name in ("site_patterns", "title_skip_patterns"):
            for p in getattr(self, name):
                compile_pattern(p, name)
        for p in self.site_patterns:
            if "(?P<site>" not in p:
                raise InvalidParameterError(
                    f"IngestConfig.site_patterns: pattern {p!r} lacks a named group 'site'"
                )


@dataclass(frozen=True)
class DecodeResult:
    """Outcome of :func:`decode_bytes`.

    Attributes
    ----------
    text : str
        Decoded text with ``"\\n"`` newlines ("" when rejected).
    encoding : str
        Encoding used ("" when rejected).
    ok : bool
    reason : str
        Why the bytes were rejected ("" when ok).
    repairs : tuple of str
        Documented repairs applied (BOM stripped, truncated tail dropped, ...) and notes
        such as a declared charset that disagrees with the bytes.
    kind : str
        Rejection category, one of :data:`REJECT_KINDS` ("" when ok).
    """

    text: str
    encoding: str
    ok: bool
    reason: str = ""
    repairs: tuple[str, ...] = ()
    kind: str = ""


#: Rejection categories (``DecodeResult.kind``, the pages table's ``reject_kind``).
REJECT_KINDS = (
    "empty",
    "whitespace",
    "binary",
    "undecodable",
    "mixed_encoding",
    "truncated",
    "no_text",
    "unreadable",
    "file_too_large",
)

#: Largest document file (raw page, text, HTML, Word, PDF) read whole, in bytes: a larger one
#: is rejected as ``file_too_large`` before it is read, so one stray dump in an input folder
#: cannot exhaust memory. One governance document is at most a few megabytes.
MAX_FILE_BYTES = 256 * 1024 * 1024


def oversized(path: Any) -> str:
    """The rejection reason when the file at ``path`` is over :data:`MAX_FILE_BYTES`, else ""."""
    size = os.stat(path).st_size
    if size <= MAX_FILE_BYTES:
        return ""
    return (
        f"is {size / 2**20:,.0f} MiB, over the {MAX_FILE_BYTES / 2**20:,.0f} MiB limit of one "
        "document file (textkit.corpus.decode.MAX_FILE_BYTES); split it or convert it to a table"
    )


def _reject(reason: str, kind: str) -> DecodeResult:
    return DecodeResult(text="", encoding="", ok=False, reason=reason, kind=kind)


def _strict(data: bytes, encoding: str) -> tuple[str | None, UnicodeDecodeError | None]:
    try:
        return data.decode(encoding, errors="strict"), None
    except UnicodeDecodeError as exc:
        return None, exc


def _truncated_tail(data: bytes, encoding: str) -> tuple[str, int] | None:
    """Text and number of dropped bytes if ``data`` is valid ``encoding`` except for an
    incomplete multibyte character at its very end (None otherwise)."""
    try:
        text = codecs.getincrementaldecoder(encoding)(errors="strict").decode(data, final=False)
    except UnicodeDecodeError:
        return None
    for k in (1, 2, 3):  # at most 3 pending bytes (UTF-8 and GB18030 four-byte sequences)
        if k >= len(data):
            break
        t, _ = _strict(data[:-k], encoding)
        if t is not None and t == text:
            return t, k
    return None


def _mixed_utf8(data: bytes, config: IngestConfig) -> str:
    """Describe a file whose lines mix UTF-8 text with lines that are not UTF-8 ("" if not).

    Lines that are valid UTF-8 and hold at least ``utf8_min_nonascii`` non-ASCII bytes in
    all are UTF-8 text (other encodings practically never produce them); if other lines
    are not UTF-8 the file mixes encodings. Decoding it as a whole in any one encoding
    would turn part of it into mojibake.
    """
    n_utf8 = 0
    first_utf8 = first_bad = bad_offset = 0
    offset = 0
    for i, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not first_bad:
                first_bad, bad_offset = i, offset + exc.start
        else:
            n = sum(1 for b in line if b >= 0x80)
            if n:
                n_utf8 += n
                first_utf8 = first_utf8 or i
        offset += len(line) + 1
    if not first_bad or n_utf8 < config.utf8_min_nonascii:
        return ""
    return (
        f"line {first_bad} is not UTF-8 (byte 0x{data[bad_offset]:02x} at offset {bad_offset}) "
        f"but line {first_utf8} and others are UTF-8 text ({n_utf8} non-ASCII bytes)"
    )


def _declared_charset(data: bytes) -> tuple[str, str]:
    """(declared name as written, the encoding it is read as; "" if not a candidate)."""
    m = _RE_META_CHARSET.search(data[:4096])
    if not m:
        return "", ""
    raw = m.group(1).decode("ascii").lower()
    return raw, _CHARSET_ALIASES.get(raw, "")


def _same_codec(a: str, b: str) -> bool:
    def norm(x: str) -> str:
        try:
            name = codecs.lookup(x).name
        except LookupError:
            return x
        return re.sub(r"[-_](le|be|sig)$", "", name)

    return norm(a) == norm(b)


def _plausible(data: bytes, names: list[str]) -> str | None:
    """The candidate ``charset-normalizer`` finds plausible for ``data`` (None if none)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=names).best()
    if best is None:
        return None
    enc = codecs.lookup(best.encoding).name
    return next((n for n in names if codecs.lookup(n).name == enc), None)


def _undecided(data: bytes, names: list[str]) -> bool:
    """Whether ``charset-normalizer`` fails to tell the decodings ``names`` apart: none is
    plausible, or the best one is matched by another (same chaos and coherence)."""
    from charset_normalizer import from_bytes

    results = list(from_bytes(data, cp_isolation=names))
    if not results:
        return True
    best = results[0]
    best_name = codecs.lookup(best.encoding).name
    return any(
        codecs.lookup(m.encoding).name != best_name
        and abs(m.chaos - best.chaos) < 1e-9
        and abs(m.coherence - best.coherence) < 1e-9
        for m in results[1:]
    )


#: Codecs of Chinese text whose readings of the same bytes are told apart by their
#: characters (GB and Big5 families, by their ``codecs`` names).
_CHINESE_CODECS = frozenset({"gb2312", "gbk", "gb18030", "big5", "big5hkscs", "cp950"})
#: How many of the commonest characters count as common: the size of the list of
#: frequently used characters of modern Chinese (现代汉语常用字表: 2,500 + 1,000).
_N_COMMON_CHARS = 3500
#: Chinese punctuation that counts as common (a Big5 reading of GBK punctuation, or the
#: other way round, gives odd symbols or private-use characters instead).
_COMMON_PUNCT = frozenset("，。、；：？！“”‘’（）《》「」『』【】…—·")
#: Characters of a reading compared (the start of a long text is enough).
_COMMON_SAMPLE = 4096


@lru_cache(maxsize=1)
def _char_frequencies() -> tuple[dict[str, int], frozenset[str]]:
    """Character frequencies in jieba's dictionary (a character's: the summed frequencies
    of the words that hold it) and the :data:`_N_COMMON_CHARS` commonest characters."""
    from importlib import resources

    text = (resources.files("jieba") / "dict.txt").read_text(encoding="utf-8")
    freq: Counter[str] = Counter()
    for word, n in re.findall(r"(?m)^(\S+) (\d+)", text):
        k = int(n)
        for c in word:
            freq[c] += k
    return dict(freq), frozenset(c for c, _ in freq.most_common(_N_COMMON_CHARS))


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@dataclass(frozen=True)
class _Commonness:
    """How common the characters of one reading are (ASCII and spaces left out; a
    traditional character counts as its simplified form, a Big5 reading being traditional)."""

    common: int  # characters among the commonest (or common Chinese punctuation)
    total: int  # characters
    log_freq: float  # mean log frequency of its characters (punctuation left out)

    def key(self) -> tuple[float, float]:
        return (self.common / self.total, self.log_freq)


def _commonness(text: str) -> _Commonness:
    sample = "".join(c for c in text[:_COMMON_SAMPLE] if not c.isascii() and not c.isspace())
    freq, common = _char_frequencies()
    simplified = _t2s().convert(sample)
    if len(simplified) != len(sample):  # a phrase conversion changed the length: per character
        simplified = "".join(_t2s().convert(c) for c in sample)
    hits = sum(1 for c in simplified if c in common or c in _COMMON_PUNCT)
    logs = [math.log1p(freq.get(c, 0)) for c in simplified if c not in _COMMON_PUNCT]
    return _Commonness(hits, len(sample), sum(logs) / len(logs) if logs else 0.0)


def _commonest(candidates: dict[str, str]) -> tuple[str | None, dict[str, _Commonness]]:
    """The reading whose characters are the commonest Chinese characters (the largest
    share among the commonest, then the highest mean log frequency), None on a tie or when
    a candidate is not a Chinese codec or there is one candidate only (a file cut off in a
    character that only one codec reads); and how common each reading's characters are."""
    if len(candidates) < 2:
        return None, {}
    if not all(codecs.lookup(n).name in _CHINESE_CODECS for n in candidates):
        return None, {}
    scores = {n: _commonness(t) for n, t in candidates.items()}
    if any(sc.total == 0 for sc in scores.values()):
        return None, scores
    ranked = sorted(scores, key=lambda n: scores[n].key(), reverse=True)
    if scores[ranked[0]].key() == scores[ranked[1]].key():
        return None, scores
    return ranked[0], scores


def _preview(text: str, n: int = 12) -> str:
    short = " ".join(text.split())
    return repr(short[:n] + ("…" if len(short) > n else ""))


def _tie_break(
    data: bytes, candidates: dict[str, str], declared: str, config: IngestConfig
) -> tuple[str, str]:
    """The encoding chosen among several that decode ``data``, and a note when the choice
    is a guess (nothing told the decodings apart; "" otherwise)."""
    names = list(candidates)
    nonascii = len(data) - len(data.translate(None, _NON_ASCII))
    if "utf-8" in candidates and nonascii >= config.utf8_min_nonascii:
        return "utf-8", ""
    if declared in candidates:
        return declared, ""
    pick = _plausible(data, names) or names[0]
    undecided = _undecided(data, names)
    common, counts = _commonest(candidates)
    if not undecided and common in (None, pick):
        return pick, ""
    readings = ", ".join(f"{n} {_preview(candidates[n])}" for n in names)
    if common is None:
        return pick, (
            f"ambiguous encoding: the bytes decode as {readings} and nothing tells them "
            f"apart; read as {pick} (a guess: check the file)"
        )
    best = counts[common]
    others = ", ".join(
        f"{sc.common} of {sc.total} in {n}" for n, sc in counts.items() if n != common
    )
    rarer = (
        "; the same share, but rarer characters, in the other reading"
        if any(sc.key()[0] == best.key()[0] for n, sc in counts.items() if n != common)
        else ""
    )
    why = "" if undecided else f"; charset-normalizer prefers {pick}"
    return common, (
        f"ambiguous encoding: the bytes decode as {readings}; read as {common}, whose "
        f"characters are the commoner ({best.common} of {best.total} among the "
        f"{_N_COMMON_CHARS:,} commonest Chinese characters, against {others}{rarer}){why} "
        "(a guess: check the file)"
    )


def _postprocess(text: str, repairs: list[str]) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    n_bom = text.count("\ufeff")
    if n_bom:
        text = text.replace("\ufeff", "")
        repairs.append(f"removed {n_bom} byte-order mark(s) (U+FEFF) inside the text")
    return text


def _truncation_note(k: int, offset: int) -> str:
    return (
        f"dropped {k} incomplete trailing byte(s) at offset {offset} "
        f"(truncated multibyte character at end of file)"
    )


def decode_bytes(
    data: bytes, name: str = "<bytes>", config: IngestConfig | None = None
) -> DecodeResult:
    """Decode the bytes of one raw page strictly (see the module docstring).

    Parameters
    ----------
    data : bytes
        File content.
    name : str
        File name used in messages.
    config : IngestConfig, optional

    Returns
    -------
    DecodeResult
    """
    config = config or IngestConfig()
    if len(data) == 0:
        return _reject(f"{name}: empty file (0 bytes)", "empty")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return _reject(
                f"{name}: binary content ({kind} file signature), not text{_disguised(data, name)}",
                "binary",
            )
    repairs: list[str] = []
    text: str | None = None
    encoding = ""
    for bom, label, codec in _BOMS:
        if data.startswith(bom):
            text, exc = _strict(data, codec)
            if text is None:
                assert exc is not None
                return _reject(
                    f"{name}: undecodable bytes for {label} (BOM present) at byte offset "
                    f"{exc.start}: {exc.reason}",
                    "undecodable",
                )
            if text.startswith("\ufeff"):
                text = text[1:]
            encoding = label
            repairs.append(f"{label} byte-order mark removed")
            break
    declared_raw, declared = _declared_charset(data)
    if text is None:
        if b"\x00" in data:
            nul = data.index(b"\x00")
            return _reject(
                f"{name}: binary content (NUL byte at offset {nul}, no UTF-16/32 BOM)", "binary"
            )
        ok: dict[str, str] = {}
        cut: dict[str, tuple[str, int]] = {}  # valid but for a truncated last character
        errors: dict[str, UnicodeDecodeError] = {}
        for enc in config.encodings:
            t, exc = _strict(data, enc)
            if t is not None:
                ok[enc] = t
                continue
            assert exc is not None
            errors[enc] = exc
            tail = _truncated_tail(data, enc)
            if tail is not None:
                cut[enc] = tail
        nonascii = len(data) - len(data.translate(None, _NON_ASCII))
        mixed = "" if "utf-8" in ok or "utf-8" not in errors else _mixed_utf8(data, config)
        if "utf-8" not in ok and "utf-8" in cut and nonascii >= config.utf8_min_nonascii:
            # UTF-8 text with its last character cut off; another encoding may accept the
            # bytes as a whole, but only as mojibake
            ok, cut = {}, {"utf-8": cut["utf-8"]}
        elif mixed:
            return _reject(
                f"{name}: mixed encodings: {mixed}; re-save the file in one encoding",
                "mixed_encoding",
            )
        elif ok and cut and "utf-8" not in ok:
            # a whole-file decoding competes with one that needs the last character cut
            # off (a truncated Big5 page is often valid GB18030): the whole-file decoding
            # must look like text, otherwise the truncated one is taken if it does
            if _plausible(data, list(ok)) is None:
                for enc, (t, k) in cut.items():
                    if _plausible(data[:-k], [enc]) is not None:
                        ok, cut = {}, {enc: (t, k)}
                        break
        if not ok and cut:
            trim = max(k for _, k in cut.values())
            pick, guess = _tie_break(
                data[:-trim], {e: t for e, (t, _) in cut.items()}, declared, config
            )
            t, k = cut[pick]
            if not config.repair_truncated:
                return _reject(
                    f"{name}: truncated multibyte character at end of file: {k} incomplete "
                    f"byte(s) at offset {len(data) - k} in {pick} (repair_truncated is off)",
                    "truncated",
                )
            ok = {pick: t}
            repairs.append(_truncation_note(k, len(data) - k))
            if guess:
                repairs.append(guess)
        if not ok:
            # the encoding that decodes furthest is the likeliest one; its failure point is
            # reported as the first bad byte
            first = max(errors.values(), key=lambda e: e.start)
            detail = "; ".join(
                f"{enc} fails at byte offset {errors[enc].start} ({errors[enc].reason})"
                for enc in config.encodings
            )
            return _reject(
                f"{name}: undecodable bytes: bad byte at offset {first.start} "
                f"(0x{data[first.start]:02x}); {detail}",
                "undecodable",
            )
        if len(ok) == 1:
            encoding = next(iter(ok))
        else:
            encoding, guess = _tie_break(data, ok, declared, config)
            if guess:
                repairs.append(guess)
        text = ok[encoding]
    if declared_raw and not _same_codec(declared or declared_raw, encoding):
        repairs.append(
            f"declared charset {declared_raw!r} disagrees with the bytes; decoded as {encoding}"
        )
    text = _postprocess(text, repairs)
    if not text.strip():
        return _reject(f"{name}: whitespace-only file ({len(data)} bytes, no text)", "whitespace")
    n_ctrl = len(_CONTROL.findall(text))
    if n_ctrl / max(len(text), 1) > config.max_control_ratio:
        return _reject(
            f"{name}: binary content ({n_ctrl} control characters in {len(text)} decoded as "
            f"{encoding})",
            "binary",
        )
    for note in repairs:
        if note.startswith("ambiguous encoding"):
            logger.warning("%s: %s", name, note)
    return DecodeResult(text=text, encoding=encoding, ok=True, repairs=tuple(repairs))
