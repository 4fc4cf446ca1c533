"""The options and rules of the cleaning stage, and the conversion to simplified characters.

:class:`CleanConfig` (the ``[clean]`` table of ``textkit.toml``), the rule file of
``resources/cleaning_rules.yaml`` as a :class:`CleaningRules` (:func:`load_rules`), and
:func:`to_simplified` / :func:`holds_traditional` (OpenCC with the protected terms). They are
read by :mod:`textkit.corpus.clean` and by the stages that read text before or beside it
(publication dates, language detection), which is why they stand apart from the cleaning
itself; :mod:`textkit.corpus.clean` hands them on under their old names.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from textkit.core.checks import check_int, check_number, check_str
from textkit.core.config import StageConfig, compile_pattern
from textkit.core.errors import InvalidParameterError
from textkit.corpus.chars import CharTable, code_points

__all__ = ["CleanConfig", "CleaningRules", "holds_traditional", "load_rules", "to_simplified"]


@dataclass(frozen=True)
class CleanConfig(StageConfig):
    """Options of the cleaning stage.

    Parameters
    ----------
    rules_path : str or None
        YAML rules file; ``None`` (default) uses the shipped
        ``textkit/resources/cleaning_rules.yaml``.
    opencc_config : str
        OpenCC conversion (default ``"t2s"``, traditional to simplified).
    quarantine_ratio : float
        A document whose damage ratio (share of raw characters in mojibake runs) exceeds
        this value gets ``status="quarantined"`` (default 0.1); so does a document with no
        letter left after cleaning (a table cell that held only markup, such as
        ``<p>&nbsp;</p>``), whatever its ratio.
    long_line_width : int
        A line at least this many display columns wide (a Chinese character is 2) that
        does not end a sentence is joined to the next line (default 120, i.e. 60 characters).
    wrap_slack : int
        A line within this many columns of the document's wrap width is treated as
        hard-wrapped (default 4).
    min_wrap_lines : int
        How many lines must share a width for it to count as the wrap width (default 3).
    min_cjk_share : float
        A text with at least ``language_min_letters`` letters of which fewer than this
        share are Chinese characters is in another language (default 0.3): it is kept and
        flagged ``language``, not dropped (:mod:`textkit.corpus.language`).
    language_min_letters : int
        Fewest letters (Latin, Han …) for a text's language to be judged (default 100).
    """

    table = "clean"

    rules_path: str | None = None
    opencc_config: str = "t2s"
    quarantine_ratio: float = 0.1
    long_line_width: int = 120
    wrap_slack: int = 4
    min_wrap_lines: int = 3
    min_cjk_share: float = 0.3
    language_min_letters: int = 100

    def __post_init__(self) -> None:
        check_str("CleanConfig.rules_path", self.rules_path, allow_none=True)
        if self.rules_path is not None and not Path(self.rules_path).is_file():
            raise InvalidParameterError(
                f"CleanConfig.rules_path: file not found: {self.rules_path}"
            )
        check_str("CleanConfig.opencc_config", self.opencc_config)  # an OpenCC config, e.g. 't2s'
        check_number("CleanConfig.quarantine_ratio", self.quarantine_ratio, 0, 1)
        check_int("CleanConfig.long_line_width", self.long_line_width, 10)
        check_int("CleanConfig.wrap_slack", self.wrap_slack, 0)
        check_int("CleanConfig.min_wrap_lines", self.min_wrap_lines, 2)
        check_number("CleanConfig.min_cjk_share", self.min_cjk_share, 0, 1)
        check_int("CleanConfig.language_min_letters", self.language_min_letters, 1)


@dataclass(frozen=True)
class CleaningRules:
    """Compiled cleaning rules (see ``cleaning_rules.yaml`` for their meaning).

    Attributes
    ----------
    source : str
        Where the rules were read from.
    line_rules, inline_rules : tuple of (name, tuple of compiled patterns)
    mojibake : tuple of compiled patterns
    protect : tuple of str
        Terms shielded from OpenCC.
    placeholders : tuple of (compiled pattern, replacement)
    punct_single : dict
        ASCII mark -> Chinese mark.
    punct_pairs : tuple of (open, close, cn_open, cn_close)
    terminal, continuation : str
        Sentence-final and continuation characters for the rejoin step.
    heading : re.Pattern
        Heading starts (a line never joins a following heading).
    paragraph_indent : re.Pattern or None
        A sentence end (group 1) followed by an in-line paragraph indent (group 2), which
        step 1 turns into a line break; None: no in-line paragraph marks.
    """

    source: str
    line_rules: tuple[tuple[str, tuple[re.Pattern, ...]], ...]
    inline_rules: tuple[tuple[str, tuple[re.Pattern, ...]], ...]
    mojibake: tuple[re.Pattern, ...]
    protect: tuple[str, ...]
    placeholders: tuple[tuple[re.Pattern, str], ...]
    punct_single: dict[str, str]
    punct_pairs: tuple[tuple[str, str, str, str], ...]
    terminal: str
    continuation: str
    heading: re.Pattern
    paragraph_indent: re.Pattern | None = None

    def table(self) -> pd.DataFrame:
        """One row per pattern: stage, name, pattern (for documentation and reports)."""
        rows = []
        for stage, rules in (("line", self.line_rules), ("inline", self.inline_rules)):
            for name, pats in rules:
                rows += [{"stage": stage, "name": name, "pattern": p.pattern} for p in pats]
        rows += [
            {"stage": "mojibake", "name": "mojibake", "pattern": p.pattern} for p in self.mojibake
        ]
        rows += [
            {"stage": "placeholder", "name": "placeholder", "pattern": p.pattern}
            for p, _ in self.placeholders
        ]
        if self.paragraph_indent is not None:
            rows.append(
                {
                    "stage": "rejoin",
                    "name": "paragraph_indent",
                    "pattern": self.paragraph_indent.pattern,
                }
            )
        return pd.DataFrame(rows, columns=["stage", "name", "pattern"])


def _parse_rules(data: Any, source: str) -> CleaningRules:
    if not isinstance(data, dict):
        raise ValueError(f"{source}: cleaning rules must be a YAML mapping")
    for key in ("line_rules", "inline_rules", "mojibake", "placeholders", "punctuation", "rejoin"):
        if key not in data:
            raise ValueError(f"{source}: missing section '{key}'")

    def rule_list(key: str) -> tuple[tuple[str, tuple[re.Pattern, ...]], ...]:
        out = []
        for i, rule in enumerate(data[key]):
            where = f"{source}: {key}[{i}]"
            if not isinstance(rule, dict) or not rule.get("name") or not rule.get("purpose"):
                raise ValueError(f"{where}: each rule needs a 'name' and a 'purpose'")
            pats = rule.get("patterns") or []
            if not pats:
                raise ValueError(f"{where} ({rule['name']}): no patterns")
            out.append((str(rule["name"]), tuple(compile_pattern(p, where) for p in pats)))
        return tuple(out)

    moj = data["mojibake"]
    ph = data["placeholders"]
    placeholders = []
    for i, r in enumerate(ph.get("rules", [])):
        where = f"{source}: placeholders.rules[{i}]"
        if "pattern" not in r or "replace" not in r:
            raise ValueError(f"{where}: needs 'pattern' and 'replace'")
        placeholders.append((compile_pattern(r["pattern"], where), str(r["replace"])))
    punct = data["punctuation"]
    pairs = tuple(tuple(str(x) for x in p) for p in punct.get("pairs", []))
    for p in pairs:
        if len(p) != 4:
            raise ValueError(f"{source}: punctuation.pairs entries need 4 marks, got {p!r}")
    rejoin = data["rejoin"]
    indent = None
    if rejoin.get("paragraph_indent"):
        where = f"{source}: rejoin.paragraph_indent"
        indent = compile_pattern(rejoin["paragraph_indent"], where)
        if indent.groups != 2:
            raise ValueError(
                f"{where}: needs two groups (sentence end, indent), got {indent.groups}"
            )
    return CleaningRules(
        source=source,
        line_rules=rule_list("line_rules"),
        inline_rules=rule_list("inline_rules"),
        mojibake=tuple(compile_pattern(p, f"{source}: mojibake") for p in moj["patterns"]),
        protect=tuple(
            sorted((str(t) for t in data.get("opencc_protect", [])), key=len, reverse=True)
        ),
        placeholders=tuple(placeholders),
        punct_single={str(k): str(v) for k, v in punct.get("single", {}).items()},
        punct_pairs=pairs,  # type: ignore[arg-type]
        terminal=str(rejoin["terminal"]),
        continuation=str(rejoin["continuation"]),
        heading=compile_pattern(rejoin["heading"], f"{source}: rejoin.heading"),
        paragraph_indent=indent,
    )


@lru_cache(maxsize=8)
def _load_rules_cached(path: str | None, stamp: tuple[int, int] | None = None) -> CleaningRules:
    if path is None:
        ref = resources.files("textkit.resources").joinpath("cleaning_rules.yaml")
        text = ref.read_text(encoding="utf-8")
        source = "textkit/resources/cleaning_rules.yaml"
    else:
        text = Path(path).read_text(encoding="utf-8")
        source = str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(f"{source}: invalid YAML: {exc}") from exc
    return _parse_rules(data, source)


def load_rules(path: str | os.PathLike | None = None) -> CleaningRules:
    """Load and compile the cleaning rules.

    Parameters
    ----------
    path : path-like, optional
        A YAML rules file; default: the shipped ``cleaning_rules.yaml``.

    Returns
    -------
    CleaningRules

    Raises
    ------
    ValueError
        If the file is malformed; the message names the file and the rule.
    """
    if path is None:
        return _load_rules_cached(None)
    st = Path(path).stat()  # an edited file is read again (keyed by its stamp)
    return _load_rules_cached(str(path), (st.st_mtime_ns, st.st_size))


@lru_cache(maxsize=4)
def _opencc(config: str):
    import opencc

    try:
        return opencc.OpenCC(config)
    except Exception as exc:  # opencc raises a bare RuntimeError for unknown configs
        raise ValueError(f"opencc_config: unknown OpenCC configuration {config!r}: {exc}") from exc


def to_simplified(text: str, config: CleanConfig | None = None) -> str:
    """Convert ``text`` with OpenCC (default ``t2s``), keeping the protected terms.

    Parameters
    ----------
    text : str
    config : CleanConfig, optional

    Returns
    -------
    str
    """
    config = config or CleanConfig()
    rules = load_rules(config.rules_path)
    return _t2s(text, rules, config.opencc_config)


def holds_traditional(text: str, config: CleanConfig | None = None) -> bool:
    """Whether ``text`` holds a character that OpenCC (default ``t2s``) converts on its own.

    A cheap test for text in traditional characters: one table look-up per character
    (:class:`textkit.corpus.chars.CharTable`), where :func:`to_simplified` costs a conversion.
    It reads characters, not phrases: a text whose only traditional form is a phrase whose
    characters are each also simplified (藉口, converted to 借口) is not caught.

    Parameters
    ----------
    text : str
    config : CleanConfig, optional

    Returns
    -------
    bool
    """
    config = config or CleanConfig()
    return bool(_converted_alone(config.opencc_config).mask(code_points(text)).any())


@lru_cache(maxsize=4)
def _converted_alone(opencc_config: str) -> CharTable:
    converter = _opencc(opencc_config)
    return CharTable(lambda ch: converter.convert(ch) != ch)


def _t2s(text: str, rules: CleaningRules, opencc_config: str) -> str:
    if not text:
        return text
    shields: dict[str, str] = {}
    for i, term in enumerate(rules.protect):
        if term in text:
            key = chr(0xE000 + i)
            shields[key] = term
            text = text.replace(term, key)
    out = _opencc(opencc_config).convert(text)
    for key, term in shields.items():
        out = out.replace(key, term)
    return out
