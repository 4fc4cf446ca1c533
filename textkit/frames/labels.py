"""The labelling rule of the frame measure: ``stability``, ``service_law``, ``mixed`` or ``neither``.

A score row (document, paragraph or sentence of :func:`textkit.frames.score.score_frames`)
gets its label from four thresholds, a :class:`LabelRule`:

1. ``neither`` when the text has fewer than ``min_hits`` weighted frame hits, or fewer than
   ``min_per_1k`` weighted hits per 1,000 tokens (a long text that mentions 治安 once is not
   framed by it); a text of at most ``short_tokens`` tokens (a heading, a one-line item)
   needs one weighted hit only: coders code ``五、充分发挥矛盾纠纷排查调处中心的作用`` by the
   one term it is about;
2. ``mixed`` when the minority frame has at least ``mixed_min_hits`` weighted hits (0 turns
   this off): coders call a paragraph mixed when each frame has a clause of its own, however
   long the other frame's part is;
3. otherwise ``stability`` when ``balance <= -threshold``, ``service_law`` when
   ``balance >= threshold`` — and, when ``ci`` is true, only if the bootstrap interval of
   the balance excludes 0;
4. ``mixed`` otherwise: both frames present and neither dominant (or, with ``ci``, a
   direction the text's own sentences do not establish).

``balance = (S - T) / (S + T)``, so ``threshold`` = 0.4 means the minority frame has less
than 30 % of the weighted hits. Documents and the shorter paragraphs and sentences need
different thresholds (a paragraph with one clear hit is framed; a 5,000-character document
with one hit is not), so :class:`textkit.frames.score.FrameConfig` holds one rule for
documents and one for paragraphs and sentences (:meth:`FrameConfig.label_rule`).

:func:`textkit.frames.tune.tune_label_rule` chooses the paragraph rule from hand-coded
paragraphs.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from textkit.core.checks import check_bool, check_int, check_number

__all__ = ["LabelRule", "assign_labels"]


@dataclasses.dataclass(frozen=True)
class LabelRule:
    """Thresholds that turn frame counts into a label (see the module docstring).

    Parameters
    ----------
    min_hits : float
        Fewer weighted frame hits -> ``neither``.
    min_per_1k : float
        Fewer weighted frame hits per 1,000 tokens -> ``neither``.
    threshold : float
        ``|balance|`` needed for a one-sided label, in [0, 1].
    ci : bool
        A one-sided label also needs a bootstrap interval that excludes 0.
    mixed_min_hits : float, default 0
        ``mixed`` whenever the minority frame has at least this many weighted hits
        (0: off, the label follows the balance alone).
    short_tokens : int, default 0
        A text of at most this many tokens needs one weighted hit, not ``min_hits``, to be
        framed (0: off).
    """

    min_hits: float
    min_per_1k: float
    threshold: float
    ci: bool
    mixed_min_hits: float = 0.0
    short_tokens: int = 0

    def __post_init__(self) -> None:
        check_number("LabelRule.min_hits", self.min_hits, 0.0)
        check_number("LabelRule.min_per_1k", self.min_per_1k, 0.0)
        check_number("LabelRule.threshold", self.threshold, 0.0, 1.0)
        check_bool("LabelRule.ci", self.ci)
        check_number("LabelRule.mixed_min_hits", self.mixed_min_hits, 0.0)
        check_int("LabelRule.short_tokens", self.short_tokens, 0)


def assign_labels(scores: pd.DataFrame, rule: LabelRule) -> np.ndarray:
    """Labels of the rows of a score table under ``rule`` (vectorised).

    Parameters
    ----------
    scores : DataFrame
        Columns n_stability, n_service_law, n_tokens, balance, balance_lo, balance_hi (as
        in :func:`textkit.frames.score.score_frames`). Not modified.
    rule : LabelRule

    Returns
    -------
    ndarray of str
        One label per row: ``stability``, ``service_law``, ``mixed`` or ``neither``.
    """
    return _labels(_score_arrays(scores), rule)


#: The columns of a score table a labelling rule reads.
_RULE_COLUMNS = ("n_stability", "n_service_law", "n_tokens", "balance", "balance_lo", "balance_hi")


def _score_arrays(scores: pd.DataFrame) -> tuple[np.ndarray, ...]:
    """The columns :func:`assign_labels` reads, as float arrays (read once for a grid)."""
    return tuple(scores[c].to_numpy(float) for c in _RULE_COLUMNS)


def _labels(arrays: tuple[np.ndarray, ...], rule: LabelRule) -> np.ndarray:
    """:func:`assign_labels` on the arrays of :func:`_score_arrays`."""
    from textkit.frames.agree import CODES

    return np.array(CODES, dtype=object)[_label_index(arrays, rule)]


def _label_index(arrays: tuple[np.ndarray, ...], rule: LabelRule) -> np.ndarray:
    """The labels of :func:`_labels` as positions in :data:`~textkit.frames.agree.CODES`."""
    st, sv, n_tok, bal, lo, hi = arrays
    total = st + sv
    with np.errstate(invalid="ignore", divide="ignore"):
        per1k = np.where(n_tok > 0, 1000.0 * total / np.where(n_tok > 0, n_tok, 1.0), 0.0)
    # rounding keeps the comparison stable where counts sum weights such as 0.5 + 0.5
    total = np.round(total, 9)
    per1k = np.round(per1k, 9)
    bal = np.round(bal, 9)
    need = np.full(len(st), max(rule.min_hits, 1e-12))
    if rule.short_tokens > 0:
        need[n_tok <= rule.short_tokens] = max(min(rule.min_hits, 1.0), 1e-12)
    neither = (total < need) | (per1k < rule.min_per_1k)
    stab = (bal <= -rule.threshold) & (bal < 0)
    serv = (bal >= rule.threshold) & (bal > 0)
    if rule.ci:
        stab &= hi < 0
        serv &= lo > 0
    if rule.mixed_min_hits > 0:
        both = np.round(np.minimum(st, sv), 9) >= rule.mixed_min_hits
        stab &= ~both
        serv &= ~both
    out = np.full(len(st), _MIXED, dtype=np.intp)
    out[stab] = _STABILITY
    out[serv] = _SERVICE_LAW
    out[neither] = _NEITHER
    return out


#: Positions of the labels in :data:`~textkit.frames.agree.CODES` (a test checks them).
_STABILITY, _MIXED, _SERVICE_LAW, _NEITHER = 0, 1, 2, 3
