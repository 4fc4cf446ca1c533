"""A generated example corpus: a table of policy documents whose framing is known by design.

:func:`example_table` writes documents from the project's own sentence bank
(``resources/example_sentences.yaml``, data card beside it) with document variables a
researcher's table would have — ``province``, ``county``, ``level``, ``year`` — and a title
naming the genre. How often a document draws a stability sentence rather than a service /
rule-of-law one is set by its province and year (:data:`PROVINCE_EFFECT`,
:data:`YEAR_EFFECT`), so an analysis grouped by province or traced over years has a known
answer to recover. A few rows carry the mess real tables have: exact duplicates under new
ids, copies in traditional characters, and an empty text.

The provinces and counties are invented; nothing here describes a real place. Used by the
README's end-to-end example (``textkit example-table``) and by tests of the
bring-your-own-corpus path.
"""

from __future__ import annotations

import math
import os
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from textkit.core.checks import check_int
from textkit.core.io import write_csv

__all__ = [
    "PROVINCE_EFFECT",
    "YEAR_EFFECT",
    "example_table",
    "write_example_table",
]

#: Invented provinces, their counties, and the log-odds of drawing a stability sentence
#: rather than a service / rule-of-law one (before the year effect).
PROVINCE_EFFECT: dict[str, tuple[float, tuple[str, str]]] = {
    "东川省": (1.0, ("清河县", "白石县")),
    "西岭省": (0.35, ("松林县", "云台县")),
    "南江省": (-0.35, ("临水县", "桃源县")),
    "北原省": (-1.0, ("长平县", "石门县")),
}

#: Change of those log-odds per year after 2015 (negative: framing shifts toward service
#: and the rule of law over time).
YEAR_EFFECT = -0.15

_YEARS = (2008, 2022)
_NEUTRAL_SHARE = 0.3
_GENRES = ("工作方案", "经验材料", "调研报告")
_TITLE = {
    "工作方案": "{county}关于加强{theme}的工作方案",
    "经验材料": "{county}推进{theme}的经验材料",
    "调研报告": "关于{county}{theme}情况的调研报告",
}


@cache
def _bank() -> dict[str, dict]:
    text = (
        resources.files("textkit")
        .joinpath("resources/example_sentences.yaml")
        .read_text(encoding="utf-8")
    )
    return yaml.safe_load(text)


def _themes(frame: str) -> list[str]:
    return sorted(k for k, v in _bank().items() if v["frame"] == frame)


def example_table(n_docs: int = 120, random_state: int = 0) -> pd.DataFrame:
    """A generated table of policy documents with a known province and year effect.

    Parameters
    ----------
    n_docs : int, default 120
        Documents generated (the table has five more rows: two exact duplicates, two
        copies in traditional characters and one row with an empty text).
    random_state : int, default 0
        Seed of ``numpy.random.default_rng``; the same seed gives the same table.

    Returns
    -------
    pandas.DataFrame
        ``doc_id`` (``P0001`` …), ``province``, ``county``, ``level`` (县 / 乡镇),
        ``year`` (2008-2022), ``title``, ``text`` (paragraphs separated by ``"\\n"``),
        ``stability_share`` (the share of framed sentences drawn from the stability
        themes: the truth an analysis should recover; drop it to hide it).

    Examples
    --------
    >>> table = example_table(40, random_state=1)
    >>> table["province"].nunique()
    4
    """
    check_int("n_docs", n_docs, 4)
    check_int("random_state", random_state, 0)
    rng = np.random.default_rng(random_state)
    bank = _bank()
    stab, serv, neutral = _themes("stability"), _themes("service_law"), _themes("none")
    provinces = sorted(PROVINCE_EFFECT)
    rows = []
    for i in range(n_docs):
        province = provinces[i % len(provinces)]  # balanced groups
        effect, counties = PROVINCE_EFFECT[province]
        county = counties[int(rng.integers(len(counties)))]
        year = int(rng.integers(_YEARS[0], _YEARS[1] + 1))
        p_stab = 1.0 / (1.0 + math.exp(-(effect + YEAR_EFFECT * (year - 2015))))
        main = stab if rng.random() < p_stab else serv
        genre = _GENRES[int(rng.integers(len(_GENRES)))]
        sentences, n_stab, n_framed = [], 0, 0
        for _ in range(int(rng.integers(8, 15))):
            if rng.random() < _NEUTRAL_SHARE:
                theme = neutral[int(rng.integers(len(neutral)))]
            else:
                is_stab = rng.random() < p_stab
                n_stab += is_stab
                n_framed += 1
                pool = stab if is_stab else serv
                theme = pool[int(rng.integers(len(pool)))]
            options = bank[theme]["sentences"]
            sentences.append(options[int(rng.integers(len(options)))].format(place=county))
        paragraphs, j = [], 0
        while j < len(sentences):
            size = int(rng.integers(2, 5))
            paragraphs.append("".join(sentences[j : j + size]))
            j += size
        theme_title = bank[main[int(rng.integers(len(main)))]]["title"]
        rows.append(
            {
                "doc_id": f"P{i + 1:04d}",
                "province": province,
                "county": county,
                "level": "县" if rng.random() < 0.5 else "乡镇",
                "year": year,
                "title": _TITLE[genre].format(county=county, theme=theme_title),
                "text": "\n".join(paragraphs),
                "stability_share": round(n_stab / n_framed, 4) if n_framed else float("nan"),
            }
        )
    rows.extend(_messy_rows(rows, rng))
    return pd.DataFrame(rows)


def _messy_rows(rows: list[dict], rng: np.random.Generator) -> list[dict]:
    """Two exact duplicates, two traditional-character copies and one empty text."""
    import opencc

    to_trad = opencc.OpenCC("s2t")
    n = len(rows)
    picks = rng.choice(n, size=4, replace=False)
    extra = []
    for k, idx in enumerate(sorted(int(p) for p in picks)):
        copy = dict(rows[idx])
        copy["doc_id"] = f"P{n + k + 1:04d}"
        if k >= 2:
            copy["title"] = to_trad.convert(copy["title"])
            copy["text"] = to_trad.convert(copy["text"])
        extra.append(copy)
    last = dict(rows[int(rng.integers(n))])
    last.update(doc_id=f"P{n + 5:04d}", text="")
    extra.append(last)
    return extra


def write_example_table(path: str | os.PathLike, n_docs: int = 120, random_state: int = 0) -> Path:
    """Write :func:`example_table` as a UTF-8 CSV (atomically).

    Parameters
    ----------
    path : path-like
        The CSV file to write (its folder is created).
    n_docs, random_state
        As :func:`example_table`.

    Returns
    -------
    pathlib.Path
    """
    return write_csv(path, example_table(n_docs, random_state), digits=None)
