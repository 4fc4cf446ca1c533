"""Settings of a whole topic analysis: :class:`TopicConfig`, the ``[topics]`` table of
``textkit.toml``."""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd

from textkit.core.checks import check_choice, check_int, check_number, check_str
from textkit.core.config import StageConfig, setting_errors
from textkit.core.errors import InvalidParameterError
from textkit.topics.fit import make_model
from textkit.topics.lda import ALPHA_STRINGS, check_prior
from textkit.topics.matrix import UNITS, TopicData, topic_matrix
from textkit.topics.seeded import SeededLdaTopicModel

__all__ = ["TopicConfig"]

logger = logging.getLogger(__name__)


class _FollowingSeeds(tuple):
    """``stability_seeds`` derived from ``random_state`` because none were given: a config
    made from another with ``dataclasses.replace(config, random_state=...)`` derives them
    again from the new seed instead of keeping the old ones."""

    __slots__ = ()


#: Runs of :func:`~textkit.topics.stability.topic_stability` when ``stability_seeds`` is unset.
_STABILITY_RUNS = 5


@dataclass(frozen=True)
class TopicConfig(StageConfig):
    """Settings of a whole topic analysis: the ``[topics]`` table of ``textkit.toml``.

    Build it with ``textkit.core.config.stage_config(TopicConfig, config, "topics")``; every field
    has a documented default and is validated on creation (a ``ValueError`` names the field).

    Attributes
    ----------
    method : {"lda", "nmf"}, default "lda"
    n_topics : int, default 8
        K of the reported model.
    random_state : int, default 0
    passes, iterations : int, default 20, 100
        LDA training effort (:class:`~textkit.topics.lda.LdaTopicModel` alone defaults to
        10 passes; a project's models get 20).
    alpha : str or float, default "symmetric"
    unit : {"paragraph", "document", "sentence"}, default "paragraph"
        Unit a model is fit on (articles in the seed corpus are few and long).
    min_df, max_df : int or float, default 2, 0.5
        Document-frequency pruning of the topic matrix, counted in ``unit`` s
        (:func:`topic_matrix`).
    k_grid : tuple of int, default (4, 6, 8, 10, 12)
        K values for :func:`~textkit.topics.select.select_k`.
    select_seeds : tuple of int, default (0, 1)
        Seeds per K in :func:`~textkit.topics.select.select_k`.
    stability_seeds : tuple of int, default ``random_state`` to ``random_state + 4``
        Seeds for :func:`~textkit.topics.stability.topic_stability`. The first is the
        reference run, the reported model: it must be ``random_state`` (unset, the five seeds
        from ``random_state`` on, so ``(0, 1, 2, 3, 4)`` for the default seed and
        ``(8, ..., 12)`` when ``[project] random_state = 8`` sets it).
    holdout : float, default 0.1
        Held-out share of documents in :func:`~textkit.topics.select.select_k`.
    top_n : int, default 10
        Top terms for coherence, exclusivity and tables.
    seeded_free_topics : int, optional
        Free topics next to the seeded frame topics of :meth:`seeded_model`. Unset (the
        default): ``n_topics`` minus the seeded topics (two for the frame lexicon), so that
        the seeded model has as many topics as the reported model it is compared with
        (:func:`~textkit.topics.stability.compare_models`). Set, it is kept, and a warning
        says when the two models then differ in size.
    seed_weight : float, default 1.0
        Seed pseudo-count as a multiple of the word's frequency.
    n_boot : int, default 1000
        Bootstrap replicates in :func:`~textkit.topics.prevalence.topic_prevalence`.
    out_dir : str, default "results/topics"
        Where a notebook writes topic tables and saved models (relative to the project root).
    n_jobs : int, default 1
        Worker processes for the fits of :func:`~textkit.topics.select.select_k` and :func:`~textkit.topics.stability.topic_stability`
        (``-1``: every core). Results do not depend on it. A choice of the machine, not of the
        analysis: like every ``n_jobs`` of textkit it defaults to 1 (the repository's
        ``textkit.toml`` sets 2).
    """

    table = "topics"

    method: str = "lda"
    n_topics: int = 8
    random_state: int = 0
    passes: int = 20
    iterations: int = 100
    alpha: str | float = "symmetric"
    unit: str = "paragraph"
    min_df: int | float = 2
    max_df: int | float = 0.5
    k_grid: tuple[int, ...] = (4, 6, 8, 10, 12)
    select_seeds: tuple[int, ...] = (0, 1)
    stability_seeds: tuple[int, ...] | None = None
    holdout: float = 0.1
    top_n: int = 10
    seeded_free_topics: int | None = None
    seed_weight: float = 1.0
    n_boot: int = 1000
    out_dir: str = "results/topics"
    n_jobs: int = 1

    def __post_init__(self) -> None:
        check_str("out_dir", self.out_dir)
        if not self.out_dir.strip():
            raise InvalidParameterError(f"out_dir: expected a non-empty path, got {self.out_dir!r}")
        check_choice("method", self.method, ("lda", "nmf"))
        check_choice("unit", self.unit, UNITS)
        for name, minimum in (
            ("n_topics", 1),
            ("random_state", 0),
            ("passes", 1),
            ("iterations", 1),
            ("top_n", 2),
            ("n_boot", 1),
        ):
            check_int(name, getattr(self, name), minimum)
        if self.seeded_free_topics is not None:
            check_int("seeded_free_topics", self.seeded_free_topics, 0)
        from textkit.core.executor import resolve_n_jobs

        resolve_n_jobs(self.n_jobs)  # the rule every n_jobs follows: >= 1, or -1
        check_prior("alpha", self.alpha, ALPHA_STRINGS, allow_none=False)
        derived = isinstance(self.stability_seeds, _FollowingSeeds)
        if self.stability_seeds is None or derived:  # unset: follows the seed (reference run)
            seeds = _FollowingSeeds(range(self.random_state, self.random_state + _STABILITY_RUNS))
            object.__setattr__(self, "stability_seeds", seeds)
        for name, minimum in (("k_grid", 2), ("select_seeds", 0), ("stability_seeds", 0)):
            values = getattr(self, name)
            values = values if isinstance(values, _FollowingSeeds) else tuple(values)
            if not values:
                raise InvalidParameterError(f"{name}: must not be empty")
            for v in values:
                check_int(name, v, minimum)
            object.__setattr__(self, name, values)
        if len(self.stability_seeds) < 2:
            raise InvalidParameterError("stability_seeds: give at least two seeds")
        if self.stability_seeds[0] != self.random_state:
            raise InvalidParameterError(
                f"stability_seeds: the first seed ({self.stability_seeds[0]}) must be "
                f"random_state ({self.random_state}), the reported model's run; start "
                f"stability_seeds with it or leave stability_seeds unset ({self.random_state} "
                f"to {self.random_state + _STABILITY_RUNS - 1})"
            )
        check_number("holdout", self.holdout, 0, 0.5)
        check_number("seed_weight", self.seed_weight, 0, low_open=True)
        from textkit.dtm.vectorizer import VectorizeConfig

        VectorizeConfig(min_df=self.min_df, max_df=self.max_df)  # names the bad setting

    def topic_matrix(self, units: pd.DataFrame) -> TopicData:
        """:func:`topic_matrix` of ``units`` with this config's ``unit``, ``min_df``, ``max_df``
        (pruning the data refuses is named as ``[topics] min_df = ... in <file>`` when the value
        came from ``textkit.toml``)."""
        with setting_errors("topics", {"min_df": self.min_df, "max_df": self.max_df}):
            return topic_matrix(units, unit=self.unit, min_df=self.min_df, max_df=self.max_df)

    def model_kwargs(self) -> dict:
        """Model parameters shared by every fit (``passes``, ``iterations``, ``alpha`` for LDA)."""
        if self.method == "nmf":
            return {}
        return {"passes": self.passes, "iterations": self.iterations, "alpha": self.alpha}

    def make_model(self) -> Any:
        """The unfitted model of ``method`` with ``n_topics`` and ``random_state``."""
        return make_model(self.method, self.n_topics, self.random_state, self.model_kwargs())

    def seeded_model(self, lexicon: Any = None) -> SeededLdaTopicModel:
        """The unfitted seeded model compared with :meth:`make_model`'s: as many topics.

        The frame topics of ``lexicon`` (two: stability, service / rule of law) plus
        ``seeded_free_topics`` free topics; unset, ``n_topics`` minus the frame topics, so
        that :func:`~textkit.topics.stability.compare_models` matches every seeded topic
        to a topic of the reported model. ``seed_weight``, ``random_state`` and the shared
        model settings (:meth:`model_kwargs`) are this config's.

        Parameters
        ----------
        lexicon : Lexicon or path-like, optional
            The frame lexicon whose terms seed the frame topics (``FrameConfig.lexicon``);
            default: the shipped one.

        Returns
        -------
        SeededLdaTopicModel

        Warns
        -----
        UserWarning
            (also logged) When the seeded model cannot have ``n_topics`` topics:
            ``n_topics`` is smaller than the number of frame topics (the model then has the
            frame topics alone), or ``seeded_free_topics`` is set to a count that makes it
            larger or smaller. :func:`~textkit.topics.stability.compare_models` then
            leaves the topics it cannot match without a match (NaN), frame topics last.
        """
        model = SeededLdaTopicModel(
            0,
            seed_weight=self.seed_weight,
            lexicon=lexicon,
            random_state=self.random_state,
            **self.model_kwargs(),
        )
        n_seeded = len(model._seeds())
        free = self.seeded_free_topics
        msg = ""
        if free is None:
            free = max(0, self.n_topics - n_seeded)
            if self.n_topics < n_seeded:
                msg = (
                    f"[topics] n_topics = {self.n_topics} is smaller than the {n_seeded} "
                    f"seeded frame topics: the seeded model has the {n_seeded} frame topics "
                    "and no free topic, more topics than the model it is compared with"
                )
        elif free + n_seeded != self.n_topics:
            msg = (
                f"[topics] seeded_free_topics = {free} + {n_seeded} seeded frame topics = "
                f"{free + n_seeded} topics, not n_topics = {self.n_topics}: the seeded model "
                "is compared with a model of another size (leave seeded_free_topics unset "
                "for n_topics minus the frame topics)"
            )
        if msg:
            warnings.warn(msg, UserWarning, stacklevel=2)
            logger.warning(msg)
        model.n_topics = free
        return model
