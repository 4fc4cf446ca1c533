"""The settings of the segmenter: :class:`SegmenterConfig` and the ``[segment]`` table.

:class:`SegmenterConfig` holds every option of :class:`~textkit.segment.segmenter.Segmenter`
(validated on creation, picklable, the key of the per-process segmenter cache);
:func:`segmenter_config` reads it from the ``[segment]`` table of ``textkit.toml``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from textkit.core.checks import check_bool, check_choice, check_int
from textkit.core.config import StageConfig
from textkit.segment.backend import BACKENDS
from textkit.segment.dictionary import SHIPPED
from textkit.segment.rules import CONTENT_POS, DEFAULT_KEEP_SINGLE

__all__ = [
    "SegmenterConfig",
    "segmenter_config",
]

#: Settings of the ``[segment]`` table that name files (resolved against the project root).
_PATH_SETTINGS = ("userdict", "lexicon", "stopwords", "officialese")


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
    backend: str = "auto"
    term_parts: bool = False

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
            "term_parts",
        ):
            object.__setattr__(self, name, check_bool(name, getattr(self, name)))
        for name in ("stopwords", "officialese"):
            source = _freeze_source(getattr(self, name), name)
            if isinstance(source, str) and source != SHIPPED and not Path(source).is_file():
                raise ValueError(f"{name}: file not found: {source}")
            object.__setattr__(self, name, source)
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
        object.__setattr__(self, "min_len", check_int("min_len", self.min_len, minimum=1))
        object.__setattr__(self, "backend", check_choice("backend", self.backend, BACKENDS))

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


def segmenter_config(project: Any = None) -> SegmenterConfig:
    """:meth:`SegmenterConfig.from_project`: the :class:`SegmenterConfig` described by the ``[segment]`` table of ``textkit.toml``.

    Every key of the table is a :class:`Segmenter` option (``hmm``, ``governance_dict``,
    ``lexicon``, ``userdict``, ``stopwords``, ``drop_officialese``, ``officialese``,
    ``pos_filter``, ``content_pos``, ``keep_single``, ``min_len``, ``drop_numbers``,
    ``backend``); absent keys take the defaults. File settings (``userdict``, a ``lexicon`` path, a
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
