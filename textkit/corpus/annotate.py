"""Annotation stage: genre, stated years, era cues, keywords and governance relevance.

* ``genre``: first matching rule of ``resources/genres.yaml`` (title/text regexes, priority
  order); None when no rule matches (never guessed).
* ``year`` / ``years``: 4-digit years 1978-2030 stated in title or text, in Arabic digits
  (``2021``, full-width ``２０２１``) or in Chinese numerals followed by 年 (``二〇二一年``,
  ``二零零八年``); masked years such as ``某年`` or ``20XX`` do not match. ``year`` is the
  latest, ``years`` the sorted distinct list joined with ";"; None when there is none. The
  latest year stated is not when a text was published (a 2021 plan that says 到2025年 gets
  2025); the date a raw page states it was published is the documents' ``published``
  (:mod:`textkit.corpus.published`, given by the split stage from the lines cleaning removes).
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
_YEAR = re.compile(r"(?<![0-9０-９])((?:19|20)\d{2})(?![0-9０-９])")
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


def extract_years(text: str, min_year: int = 1978, max_year: int = 2030) -> list[int]:
    """Distinct plausible 4-digit years stated in ``text``, sorted.

    A year is written either in Arabic digits (ASCII or full-width, ``2021`` / ``２０２１``,
    19xx or 20xx, not part of a longer number) or as four Chinese digits followed by 年
    (``二〇二一年``, ``一九九八年``, ``二零零八年``; 〇, 零 and ○ read as zero). Chinese
    numerals that are part of a longer numeral or that count years (``十二年``, ``五年``)
    are not years. Only years within ``[min_year, max_year]`` are returned.

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
    """
    found = {int(m) for m in _YEAR.findall(text)}
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
