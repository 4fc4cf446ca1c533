"""Frame measurement: lexicon, dictionary scores, KWIC, keyness, LSS, validation."""

from __future__ import annotations

from textkit.frames.lexicon import (
    FRAMES,
    ContextRule,
    Lexicon,
    LexiconError,
    Term,
    load_lexicon,
)
from textkit.frames.score import (
    FrameConfig,
    frame_config,
    frame_hits,
    frame_keyness,
    keyness,
    kwic,
    score_frames,
    term_contributions,
)

__all__ = [
    "ContextRule",
    "FRAMES",
    "FrameConfig",
    "Lexicon",
    "LexiconError",
    "Term",
    "frame_config",
    "frame_hits",
    "frame_keyness",
    "keyness",
    "kwic",
    "load_lexicon",
    "score_frames",
    "term_contributions",
]
