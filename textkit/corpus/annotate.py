"""Annotation stage: genre, stated years, era cues, keywords and governance relevance.

* ``genre``: first matching rule of ``resources/genres.yaml`` (title/text regexes, priority
  order); None when no rule matches (never guessed).
* ``year`` / ``years``: years 1978-2030 stated in title or text where Chinese texts write
  years (:func:`extract_years`: before 年, in a date, a document number or a citation); a
  bare number such as ``2030人次`` is a count. Masked years such as ``某年`` or ``20XX`` do not
  match. ``year`` is the latest, ``years`` the sorted distinct list joined with ";"; None
  when there is none. The latest year stated is not when a text was published (a 2021 plan
  that says 到2025年 gets 2025); the date a raw page states it was published is the
  documents' ``published`` (:mod:`textkit.corpus.published`, given by the split stage from
  the lines cleaning removes).
* ``era_cues`` / ``era``: cues of ``resources/eras.yaml`` found in the text (sorted, joined with
  ";"); ``era`` is the latest period cued, None when no cue.
* ``keywords``: the article's own ``关键词:`` line split on ``;；,，`` and spaces ("; "-joined).
* ``relevance`` / ``is_relevant``: governance vocabulary hits per 1,000 characters, divided by
  ``saturation`` and clipped to [0, 1]; relevant when ``relevance >= threshold``.
"""

from __future__ import annotations

import copy
import functools
import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from textkit.core.checks import check_int, check_number, check_str
from textkit.core.config import StageConfig
from textkit.core.dates import CN_DIGITS
from textkit.core.errors import InvalidParameterError

__all__ = [
    "ANNOTATED_COLUMNS",
    "GOVERNANCE_TERMS",
    "AnnotateConfig",
    "annotate",
    "classify_genre",
    "extract_keywords",
    "extract_years",
    "relevance_score",
]

logger = logging.getLogger(__name__)

#: The columns :func:`annotate` writes, in order.
ANNOTATED_COLUMNS = (
    "genre",
    "year",
    "years",
    "era_cues",
    "era",
    "keywords",
    "relevance",
    "is_relevant",
)

GOVERNANCE_TERMS: tuple[str, ...] = (
    "治理",
    "综治",
    "维稳",
    "稳定",
    "治安",
    "村民",
    "居民",
    "社区",
    "基层",
    "法治",
    "服务",
    "矛盾",
    "调解",
    "纠纷",
    "信访",
    "网格",
    "群众",
    "管理",
    "平安",
    "自治",
    "村委",
    "党建",
    "组织",
    "社会",
    "政府",
    "执法",
    "民主",
    "乡村",
    "村级",
    "公共",
)
#: Chinese digits of a year written out (二〇二一年); 〇, 零 and the circle ○ all read as zero.
_CN_DIGITS = "".join(map(chr, CN_DIGITS))
_CN_NUMERALS = _CN_DIGITS + "十百千万两"
#: Exactly four Chinese digits followed by 年, not part of a longer numeral (十二年 is a span).
_CN_YEAR = re.compile(rf"(?<![{_CN_NUMERALS}])([{_CN_DIGITS}]{{4}})年")
_KEYWORDS = re.compile(r"关\s*键\s*词\s*[:：]\s*([^\n]+)")


@dataclass(frozen=True)
class AnnotateConfig(StageConfig):
    """Options of the annotation stage.

    Parameters
    ----------
    genres_path, eras_path : str or None
        Override YAML rule files (None: package data).
    terms : tuple of str
        Governance vocabulary for relevance.
    saturation : float
        Hits per 1,000 characters that give relevance 1.0 (default 40).
    threshold : float
        Minimum relevance of a relevant article (default 0.25, i.e. 10 hits per 1,000 chars).
    min_year, max_year : int
        Plausible year range (default 1978-2030).
    """

    table = "annotate"

    genres_path: str | None = None
    eras_path: str | None = None
    terms: tuple[str, ...] = GOVERNANCE_TERMS
    saturation: float = 40.0
    threshold: float = 0.25
    min_year: int = 1978
    max_year: int = 2030

    def __post_init__(self) -> None:
        check_number("AnnotateConfig.saturation", self.saturation, 0, low_open=True)
        check_number("AnnotateConfig.threshold", self.threshold, 0, 1)
        check_int("AnnotateConfig.min_year", self.min_year)
        check_int("AnnotateConfig.max_year", self.max_year, self.min_year)
        if not self.terms:
            raise InvalidParameterError(
                f"AnnotateConfig.terms: expected at least one term, got {self.terms!r}"
            )
        for name in ("genres_path", "eras_path"):
            p = check_str(f"AnnotateConfig.{name}", getattr(self, name), allow_none=True)
            if p is not None and not Path(p).is_file():
                raise InvalidParameterError(f"AnnotateConfig.{name}: file not found: {p}")


def _load_yaml(path: str | None, name: str) -> list[dict]:
    """The rules of a YAML list file (a fresh copy each call: callers may not share it)."""
    stamp = None
    if path is not None:
        st = Path(path).stat()
        stamp = (st.st_mtime_ns, st.st_size)  # an edited file is read again
    return copy.deepcopy(_read_yaml(path, name, stamp))


@functools.lru_cache(maxsize=16)
def _read_yaml(path: str | None, name: str, stamp: tuple[int, int] | None) -> list[dict]:
    """Parse once per file version (a streamed corpus build annotates batch by batch)."""
    if path is None:
        text = resources.files("textkit.resources").joinpath(name).read_text(encoding="utf-8")
    else:
        text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, list):
        raise ValueError(f"{path or name}: expected a YAML list of rules")
    return data


def classify_genre(title: str, text: str, rules: list[dict]) -> str | None:
    """Return the genre of the first matching rule, or None.

    Parameters
    ----------
    title, text : str
        Title and body.
    rules : list of dict
        Rules with ``genre`` and optional ``title`` / ``text`` regex lists.

    Returns
    -------
    str or None
    """
    for rule in rules:
        pats_t = rule.get("title") or []
        pats_x = rule.get("text") or []
        if any(re.search(p, title) for p in pats_t) or any(
            re.search(p, text, re.S) for p in pats_x
        ):
            return str(rule["genre"])
    return None


#: Full-width ASCII (２０１９, （, ）, －, ，, ：, ；) and the ideographic space read as ASCII, so
#: the year forms below name each character once; the translation keeps every position.
_HALF_WIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
#: Not the tail of a longer number (12019, 0.2019) nor its head (20190, 2019.5).
_NOT_AFTER = r"(?<![0-9])(?<![0-9]\.)"
_NOT_BEFORE = r"(?![0-9])(?!\.[0-9])"
#: Years in a span or a list: 2019—2021, 2019-2021, 2019～2021, 2019至2021, 2019、2020, 2019/2020.
_YEAR_CHAIN = rf"{_NOT_AFTER}[0-9]{{4}}(?: *(?:——|--|[-–—―~〜/、和与及至到]) *[0-9]{{4}})*"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
#: The year forms whose every 4-digit number is a year (the ``chain`` group) or that name it
#: (the ``y`` group).
_YEAR_FORMS = (
    # 2019年, 2019 年度, 2019年底, 2019—2021年 (both ends), 2019、2020年, 2019/2020学年,
    # 2018—2020三年行动
    re.compile(rf"(?P<chain>{_YEAR_CHAIN}) *(?:学|[一二三四五六七八九十两]{{1,2}})?年"),
    # 国发〔2019〕5号, 苏政办发[2019]12号, 文章编号 1673-291X(2016)03, 县志(2000—2020), 费孝通(1948)
    re.compile(rf"[(\[〔【〖﹝] *(?P<chain>{_YEAR_CHAIN}) *[)\]〕】〗﹞]"),
    # dates: 2019-03-05, 2019/3/5, 2019-03, 2019/3 (a month from 1 to 12, a day from 1 to 31)
    re.compile(
        rf"{_NOT_AFTER}(?P<y>[0-9]{{4}})(?P<sep>[-/]){_MONTH}(?:(?P=sep){_DAY})?{_NOT_BEFORE}"
    ),
    # 2019.3.5 (with its day: 2019.3 and 2018.5万 are decimal numbers)
    re.compile(rf"{_NOT_AFTER}(?P<y>[0-9]{{4}})\.{_MONTH}\.{_DAY}{_NOT_BEFORE}"),
    # the year of a standard: GB/T 19001-2016, JTG F40-2004
    re.compile(
        rf"(?<![A-Za-z])[A-Z]{{2,4}}(?:/[A-Z])? *[A-Z]?[0-9]+(?:\.[0-9]+)* *[-–—] *"
        rf"(?P<y>[0-9]{{4}}){_NOT_BEFORE}"
    ),
)
#: A bibliography entry after its type mark ([J], [M], [N], [EB/OL]…), up to the next bracket.
_REFERENCE = re.compile(r"\[[A-Z]{1,2}(?:/OL)?\]([^\[\n]*)")
#: Its year: after a comma, before a point, comma, colon, semicolon or an issue ``(12)``.
_REFERENCE_YEAR = re.compile(r", *([0-9]{4})[a-z]?(?= *(?:[.,:;(]|$))")
#: An author-year citation, each part of a bracket split on ";": (Walder, 1986),
#: (费孝通，1948：25), (Oi 1995a; Shue, 1988); the name has no digit. A comma separates the
#: year from any name; a space alone only from a name in Latin letters (Oi 1995a, Wang et
#: al. 2019): a Chinese label and a number, （人数 2030）, （合计 1985）, is a count.
_PARENTHESES = re.compile(r"\(([^()\n]{1,200})\)")
_CITATION = re.compile(
    r" *(?:[^0-9,;:]*[^0-9,;: ] *,|[^0-9,;:]*[A-Za-z.] ) *([0-9]{4})[a-z]?"
    r"(?: *: *[0-9]+(?: *[-–] *[0-9]+)?)? *"
)


def _arabic_years(text: str) -> set[int]:
    """The 4-digit numbers that :data:`_YEAR_FORMS`, a reference entry or a citation name as
    years in ``text`` (full-width characters already read as ASCII)."""
    found: set[int] = set()
    for form in _YEAR_FORMS:
        for m in form.finditer(text):
            span = m.groupdict().get("chain")
            found.update(map(int, re.findall(r"[0-9]{4}", span) if span else [m["y"]]))
    for entry in _REFERENCE.finditer(text):
        found.update(map(int, _REFERENCE_YEAR.findall(entry[1])))
    for group in _PARENTHESES.finditer(text):
        for part in group[1].split(";"):
            m = _CITATION.fullmatch(part)
            if m:
                found.add(int(m[1]))
    return found


def extract_years(text: str, min_year: int = 1978, max_year: int = 2030) -> list[int]:
    """Distinct years stated in ``text``, sorted.

    A 4-digit number (ASCII or full-width digits) is a year only where Chinese texts write
    years, never inside a longer number (``12019``, ``2019.5``, ``2,019``):

    * followed by 年: ``2019年``, ``2019 年度``, ``2019年底``; a span or a list before 年 gives
      every year in it: ``2019—2021年``, ``2019-2021年``, ``2019至2021年``, ``2019、2020年``,
      ``2019/2020学年``, and before the number of years it spans: ``2018—2020三年行动``;
    * a date: ``2019-03-05``, ``2019/3/5``, ``2019.3.5``, ``2019-03``, ``2019/3`` (a month from
      1 to 12, not followed by a digit). With a dot the day is needed: ``2019.3`` and
      ``2018.5万`` are decimal numbers;
    * alone or as a span in brackets: a document number's year of issue (``国发〔2019〕5号``,
      ``苏政办发[2019]12号``), a journal article number (``1673-291X(2016)03-0027-03``), an
      author-year citation (``费孝通（1948）``), a period (``县志（2000—2020）``);
    * an author-year citation in parentheses: ``（Walder, 1986）``, ``（费孝通，1948：25）``,
      ``（Oi 1995a; Shue, 1988）``: after a comma, or after a space where the name is in
      Latin letters (``（人数 2030）``, ``（合计 1985）`` are a label and a count);
    * in a bibliography entry, after its type mark, the number after a comma:
      ``[J].理论学习，2013,(12).``, ``[M].北京：人民出版社，2013.``;
    * the year of a standard: ``GB/T 19001-2016``, ``JTG F40-2004``.

    Any other 4-digit number is a count, as governance reports write them (``接待群众来访2030
    人次``, ``1985件``, ``2000余人``, ``2020万元``, ``2015平方米``), so a bare number is never a
    year, nor is a bare span (``2019-2021`` without 年 or brackets), nor a run of eight digits
    (``20190305``). Years in Chinese digits are read only before 年: four digits (``二〇二一年``,
    ``一九九八年``, ``二零零八年``; 〇, 零 and ○ read as zero), not part of a longer numeral
    (``十二年`` and ``五年`` count years). Only years within ``[min_year, max_year]`` are
    returned.

    Parameters
    ----------
    text : str
        Any text.
    min_year, max_year : int
        Plausible range (inclusive).

    Returns
    -------
    list of int
        Distinct years in ascending order (empty when there is none).

    Examples
    --------
    >>> extract_years("2014年召开会议，二〇二一年工作报告，一二三四年，十二年来")
    [2014, 2021]
    >>> extract_years("2016年，接待群众来访2030人次，化解信访积案1985件；国发〔2019〕5号")
    [2016, 2019]
    """
    found = _arabic_years(text.translate(_HALF_WIDTH))
    found.update(int(m.translate(CN_DIGITS)) for m in _CN_YEAR.findall(text))
    return sorted(y for y in found if min_year <= y <= max_year)


def extract_keywords(text: str) -> str | None:
    """The article's own ``关键词:`` line as "; "-joined keywords, or None."""
    m = _KEYWORDS.search(text)
    if not m:
        return None
    parts = [p for p in re.split(r"[;；,，、\s]+", m.group(1).strip()) if p]
    return "; ".join(parts) or None


def relevance_score(text: str, terms: tuple[str, ...], saturation: float = 40.0) -> float:
    """Governance term hits per 1,000 characters divided by ``saturation``, clipped to [0, 1]."""
    n = len(re.sub(r"\s+", "", text))
    if n == 0:
        return 0.0
    hits = sum(text.count(t) for t in sorted(set(terms)))
    return float(min(1.0, hits * 1000.0 / n / saturation))


def annotate(docs: pd.DataFrame, config: AnnotateConfig | None = None) -> pd.DataFrame:
    """Add genre, year, era, keyword and relevance columns.

    Parameters
    ----------
    docs : pandas.DataFrame
        Documents with ``doc_id``, ``title`` and ``text``. Not modified.
    config : AnnotateConfig, optional
        Stage options.

    Returns
    -------
    pandas.DataFrame
        A copy with ``genre``, ``year``, ``years``, ``era_cues``, ``era``, ``keywords``,
        ``relevance`` and ``is_relevant``.
    """
    config = config or AnnotateConfig()
    if not isinstance(config, AnnotateConfig):
        raise InvalidParameterError(
            f"config: expected an AnnotateConfig, got {type(config).__name__}"
        )
    missing = [c for c in ("doc_id", "title", "text") if c not in docs.columns]
    if missing:
        raise InvalidParameterError(f"docs: documents table lacks column(s) {missing}")
    genres = _load_yaml(config.genres_path, "genres.yaml")
    eras = _load_yaml(config.eras_path, "eras.yaml")
    out = docs.copy()
    cols: dict[str, list] = {k: [] for k in ANNOTATED_COLUMNS}
    for title, text in zip(out["title"], out["text"], strict=False):
        title = title if isinstance(title, str) else ""
        text = text if isinstance(text, str) else ""
        cols["genre"].append(classify_genre(title, text, genres))
        years = extract_years(title + "\n" + text, config.min_year, config.max_year)
        cols["year"].append(years[-1] if years else None)
        cols["years"].append(";".join(map(str, years)) if years else None)
        cues, era, era_start = set(), None, -1
        for period in eras:
            hit = [c for c in period.get("cues") or [] if c in text]
            if hit:
                cues.update(hit)
                if int(period["start"]) > era_start:
                    era, era_start = str(period["era"]), int(period["start"])
        cols["era_cues"].append(";".join(sorted(cues)) if cues else None)
        cols["era"].append(era)
        cols["keywords"].append(extract_keywords(text))
        rel = relevance_score(title + text, config.terms, config.saturation)
        cols["relevance"].append(rel)
        cols["is_relevant"].append(rel >= config.threshold)
    for k, v in cols.items():
        out[k] = v
    out["year"] = out["year"].astype("Int64")
    return out
