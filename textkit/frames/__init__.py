"""Frame measurement: how far a text speaks of stability maintenance or of services under law.

A frame lexicon (:mod:`~textkit.core.lexicon`: terms, weights, context rules) scores texts
by dictionary counts with bootstrap intervals and labels (:mod:`~textkit.frames.score`:
FrameConfig, frame_config, score_frames, frame_hits; from the documents or from a units
table segmented once), the lexicon's terms found in segmented text by
:mod:`~textkit.frames.match`, its context rules
read in :mod:`~textkit.frames.rules` (negations and shifts, and the sense of a term from the
compound it sits in or the word it governs); key word in
context (:mod:`~textkit.frames.kwic`) and keyness between groups of texts
(:mod:`~textkit.frames.keyness`: keyness, frame_keyness, keyness_by) show what drives
the scores, and :mod:`~textkit.frames.diagnostics` (frame_diagnostics, term_contributions)
lists the terms and
rules that drive them on a corpus and flags terms used in an unintended sense;
:mod:`~textkit.frames.groups` (frame_groups, frame_contrast, frame_means) estimates intensity
and balance per group of any document variable, and over years, with document-clustered
bootstrap intervals;
Latent Semantic Scaling (:mod:`~textkit.frames.lss`) gives a measure learnt from word
vectors; :mod:`~textkit.frames.validate` checks the measures against hand-coded paragraphs
(the coding sheets, CSV or Excel workbook, written and read in :mod:`~textkit.frames.sheets`),
:mod:`~textkit.frames.coders` (coder_agreement, write_adjudication_sheet, merge_codes,
split_coders) reports how far independent coders of those paragraphs agree and merges their
codes after adjudication,
:mod:`~textkit.frames.supervised` (FrameClassifier) learns the codes from them,
:mod:`~textkit.frames.crossval` (cross_validate_frames) reports its grouped cross-validated
agreement next to the dictionary's, and :mod:`~textkit.frames.active` (suggest_to_code)
picks the paragraphs to code next; :mod:`~textkit.frames.labels` (LabelRule) holds the
labelling rule and :mod:`~textkit.frames.tune` (tune_label_rule) chooses its thresholds by
nested grouped cross-validation on coded paragraphs, and :mod:`~textkit.frames.suggest` (suggest_terms) lists lexicon candidates
of a corpus by keyness and LSS polarity.
"""

from __future__ import annotations

from textkit.core.lexicon import (
    FRAMES,
    ContextRule,
    Lexicon,
    LexiconError,
    Term,
    load_lexicon,
)
from textkit.frames.active import suggest_to_code
from textkit.frames.coders import (
    CoderReport,
    coder_agreement,
    merge_codes,
    split_coders,
    write_adjudication_sheet,
)
from textkit.frames.crossval import cross_validate_frames
from textkit.frames.diagnostics import frame_diagnostics, term_contributions
from textkit.frames.groups import frame_contrast, frame_groups, frame_means
from textkit.frames.keyness import frame_keyness, keyness, keyness_by
from textkit.frames.kwic import kwic
from textkit.frames.labels import LabelRule
from textkit.frames.score import (
    FrameConfig,
    frame_config,
    frame_hits,
    score_frames,
)
from textkit.frames.suggest import suggest_terms
from textkit.frames.supervised import FrameClassifier
from textkit.frames.tune import tune_label_rule

__all__ = [
    "CoderReport",
    "ContextRule",
    "FRAMES",
    "FrameClassifier",
    "FrameConfig",
    "Lexicon",
    "LabelRule",
    "LexiconError",
    "Term",
    "coder_agreement",
    "cross_validate_frames",
    "frame_config",
    "frame_contrast",
    "frame_diagnostics",
    "frame_groups",
    "frame_means",
    "frame_hits",
    "frame_keyness",
    "keyness",
    "keyness_by",
    "kwic",
    "load_lexicon",
    "merge_codes",
    "score_frames",
    "split_coders",
    "suggest_terms",
    "suggest_to_code",
    "term_contributions",
    "tune_label_rule",
    "write_adjudication_sheet",
]
