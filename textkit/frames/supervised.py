"""A supervised frame measure learnt from hand-coded paragraphs, next to the dictionary.

The dictionary measure (:func:`textkit.frames.score.score_frames`) needs no training data but
only sees the lexicon's terms. :class:`FrameClassifier` learns the four codes of the codebook
(``stability``, ``mixed``, ``service_law``, ``neither``) from coded paragraphs
(:func:`textkit.frames.validate.read_codes`):

* **Features.** The paragraph's analysis tokens (:meth:`textkit.segment.segmenter.Segmenter.tokenize`)
  as unigrams and bigrams, tf-idf weighted with sublinear term frequency and l2-normalised
  (scikit-learn ``TfidfVectorizer``), plus nine dictionary features from the sentences'
  ``score_frames(level="sentence")`` counts, standardised on the training paragraphs:
  ``log(1 + x)`` of the paragraph's tokens, of its context-weighted hits of each frame, of
  its hits per 1,000 tokens and of the smaller frame's hits; the ``balance`` (0 without a
  frame term); how many of its sentences lean to each frame (more weighted hits of one than
  of the other) and the smaller of the two. The last group is what ``mixed`` needs (each
  frame with a clause of its own, in the codebook's words); the counts alone cannot tell a
  long paragraph with a few hits of each frame spread over its sentences from one sentence
  listing both. ``text_features=False`` keeps the dictionary features only.
* **Model.** Multinomial logistic regression (scikit-learn, ``lbfgs``, fixed tolerance and
  iteration cap, one BLAS thread, so two fits on the same data give the same probabilities) with
  ``class_weight="balanced"``: a class's examples are weighted by the inverse of its share,
  so rare codes (``neither``, ``mixed``) are not ignored.
* **Labels.** ``frame_label`` / :meth:`FrameClassifier.predict` follow the class-balanced
  model (``decision="balanced"``, the default): each code is taken as equally likely before
  the paragraph is read, the decision that serves macro-F1 (every code counts alike) and
  finds the rare ``mixed`` and ``neither``. ``decision="calibrated"`` labels by the
  calibrated probabilities instead (the most likely code given the coded sample's shares:
  more accurate overall, fewer rare codes). On the shipped codes the balanced decision
  reaches macro-F1 0.74 by grouped cross-validation, the calibrated one 0.70.
* **Probabilities.** Class-balanced weights make the raw probabilities those of a corpus in
  which every code is equally common, not of the coded sample. When every class has at least
  ``calibration_min_count`` coded paragraphs (and every fold of the grouped calibration split
  sees every class), the probabilities are calibrated with Platt scaling
  (``CalibratedClassifierCV(method="sigmoid", ensemble=False)`` on out-of-fold decision values
  from ``StratifiedGroupKFold`` by article, so a paragraph is never calibrated on its own
  article). Otherwise (``calibration="auto"``) the raw probabilities are used, the reason is
  logged and kept in ``calibration_note_``. On the shipped 754 coded paragraphs every code
  has at least 50 examples and the probabilities are calibrated.

:func:`textkit.frames.crossval.cross_validate_frames` estimates its out-of-sample agreement
with the codes next to the dictionary's, and :func:`textkit.frames.active.suggest_to_code`
picks the paragraphs to code next.

What 754 coded paragraphs can show: a few dozen examples of ``mixed`` are too few for a
text classifier to learn vocabulary beyond the commonest frame words. With the nine
dictionary features the classifier reaches a grouped cross-validated macro-F1 of about
0.74 on the shipped codes, as the dictionary's labelling rule chosen without the held-out
articles does (0.74), with more ``mixed`` found and fewer ``neither``; on n-grams alone
about 0.54 (``benchmarks/validity.py``, which repeats the grouped split over shuffled seeds:
one split's folds differ by about 0.1).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

from textkit.core.checks import check_choice, check_int, check_number
from textkit.core.errors import CodingSheetError, InvalidParameterError, NotFittedError
from textkit.core.lexicon import as_lexicon
from textkit.frames.score import (
    _SCORE_DTYPES,
    FrameConfig,
    as_documents,
    score_frames,
    typed_empty,
)
from textkit.frames.validate import CODES, _paragraphs, _text_key, checked_codes

__all__ = [
    "CALIBRATIONS",
    "DECISIONS",
    "DICTIONARY_FEATURES",
    "PROBA_COLUMNS",
    "FrameClassifier",
    "dictionary_features",
    "document_labels",
]

logger = logging.getLogger(__name__)

#: ``calibration`` settings of :class:`FrameClassifier`.
CALIBRATIONS = ("auto", "sigmoid", "none")
#: ``decision`` settings of :class:`FrameClassifier`: which probabilities the label follows.
DECISIONS = ("balanced", "calibrated")
#: Probability columns of :meth:`FrameClassifier.transform`, in this order.
PROBA_COLUMNS = tuple(f"p_{c}" for c in ("stability", "service_law", "mixed", "neither"))
_KEYS = ["doc_id", "para_id"]
_DICT_COLUMNS = ["n_tokens", "n_stability", "n_service_law", "balance"]
#: Sentences of a paragraph leaning to each frame (inputs of the dictionary features only).
_SENTENCE_COLUMNS = ("sents_stability", "sents_service_law")
#: Names of the columns of :func:`dictionary_features`, in order.
DICTIONARY_FEATURES = (
    "log_tokens", "log_stability", "log_service_law", "log_per_1k", "balance", "log_minority",
    "sentences_stability", "sentences_service_law", "sentences_minority",
)  # fmt: skip
_MAX_ITER = 1000
_TOL = 1e-6


def dictionary_features(table: pd.DataFrame) -> np.ndarray:
    """The nine dictionary features of each paragraph (columns :data:`DICTIONARY_FEATURES`).

    Parameters
    ----------
    table : DataFrame
        n_tokens, n_stability, n_service_law (context-weighted hits), balance, and
        sents_stability / sents_service_law (its sentences with more weighted hits of that
        frame than of the other). Not modified.

    Returns
    -------
    ndarray, shape (n_paragraphs, 9)
    """
    tokens = table["n_tokens"].to_numpy(float)
    st = table["n_stability"].to_numpy(float)
    sv = table["n_service_law"].to_numpy(float)
    s_st = table["sents_stability"].to_numpy(float)
    s_sv = table["sents_service_law"].to_numpy(float)
    per_1k = 1000.0 * (st + sv) / np.maximum(tokens, 1.0)
    return np.column_stack(
        [
            np.log1p(tokens),
            np.log1p(st),
            np.log1p(sv),
            np.log1p(per_1k),
            table["balance"].fillna(0.0).to_numpy(float),
            np.log1p(np.minimum(st, sv)),
            s_st,
            s_sv,
            np.minimum(s_st, s_sv),
        ]
    )


def _identity(x: Any) -> Any:
    """Pre-tokenised input passes through the vectoriser unchanged (picklable)."""
    return x


def _resolve_segmenter(segmenter: Any) -> Any:
    """A Segmenter from ``None`` (the default one), a SegmenterConfig or a Segmenter."""
    from textkit.segment.config import SegmenterConfig
    from textkit.segment.segmenter import get_segmenter, segmenter_for

    if segmenter is None:
        return get_segmenter()
    if isinstance(segmenter, SegmenterConfig):
        return segmenter_for(segmenter)
    if not hasattr(segmenter, "tokenize"):
        raise InvalidParameterError(
            f"segmenter: expected a Segmenter, a SegmenterConfig or None, "
            f"got {type(segmenter).__name__}"
        )
    return segmenter


class FrameClassifier(ClassifierMixin, BaseEstimator):
    """Class-balanced logistic regression on paragraph n-grams and dictionary features.

    Follows scikit-learn's estimator contract: ``__init__`` only stores the parameters,
    :meth:`fit` validates them, ``get_params`` / ``set_params`` / :func:`sklearn.base.clone`
    work, and a method that needs a fitted model raises
    :class:`textkit.core.errors.NotFittedError`. Unlike a plain scikit-learn classifier,
    :meth:`fit` takes coded paragraphs and the documents they come from, and the prediction
    methods take documents (one output row per paragraph).

    Parameters
    ----------
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression (> 0).
    ngram_range : (int, int), default (1, 2)
        Token n-grams used as text features (unigrams and bigrams).
    min_df : int, default 1
        Drop n-grams found in fewer training paragraphs.
    dictionary_features : bool, default True
        Add the nine dictionary features (see the module docstring).
    text_features : bool, default True
        Use the tf-idf n-grams (``False``: the dictionary features only; then
        ``dictionary_features`` must be True).
    calibration : {"auto", "sigmoid", "none"}, default "auto"
        ``"sigmoid"``: Platt scaling, an error when the classes are too small for it;
        ``"auto"``: Platt scaling when possible, raw probabilities otherwise (logged);
        ``"none"``: raw probabilities.
    decision : {"balanced", "calibrated"}, default "balanced"
        Which probabilities ``frame_label`` and :meth:`predict` follow: the class-balanced
        model's (every code equally likely a priori) or the calibrated ones (the coded
        sample's shares; the same as ``"balanced"`` when the probabilities are not
        calibrated). The ``p_*`` columns are the calibrated probabilities either way.
    calibration_folds : int, default 3
        Grouped (by article) folds of the calibration split (>= 2).
    calibration_min_count : int, default 10
        Fewest coded paragraphs of every class for calibration (>= ``calibration_folds``).
    random_state : int, default 0
        Seed passed to the logistic regression (``lbfgs`` itself draws no random numbers;
        the folds are not shuffled).
    lexicon : textkit.core.lexicon.Lexicon or path-like, optional
        Lexicon of the dictionary features, or the path of its file. Default:
        ``frame_config.lexicon``, else the shipped lexicon.
    segmenter : SegmenterConfig or Segmenter, optional
        Segmenter of the text and dictionary features. Default:
        :func:`textkit.segment.segmenter.get_segmenter` (as ``score_frames``). A
        ``SegmenterConfig`` is cheap to :func:`~sklearn.base.clone` (the per-process
        segmenter for it is reused); a ``Segmenter`` is rebuilt when cloned.
    frame_config : FrameConfig, optional
        Scorer settings of the dictionary features (its bootstrap is not run for them).

    Attributes
    ----------
    classes_ : ndarray of str
        The codes seen in training, in :data:`textkit.frames.validate.CODES` order.
    class_counts_ : dict str -> int
        Coded paragraphs per class used in training.
    calibrated_ : bool
        Whether the probabilities are calibrated.
    calibration_note_ : str
        Why they are or are not.
    vectorizer_ : sklearn.feature_extraction.text.TfidfVectorizer or None
        None with ``text_features=False``.
    dictionary_mean_, dictionary_scale_ : ndarray or None
        The training paragraphs' mean and standard deviation of each dictionary feature (1
        where it is constant); None with ``dictionary_features=False``.
    estimator_ : LogisticRegression or CalibratedClassifierCV
    segmenter_ : Segmenter
        The segmenter of the features, as resolved at :meth:`fit`.
    lexicon_ : textkit.core.lexicon.Lexicon
        The lexicon of the dictionary features, as read at :meth:`fit`.
    frame_config_ : FrameConfig
        The scorer settings of the dictionary features at :meth:`fit`.
    decision_ : str
        ``decision`` at :meth:`fit`. Prediction uses these four, so a parameter set after
        :meth:`fit` (or a lexicon file edited since) changes nothing until the model is
        fitted again, as with scikit-learn's fitted attributes.
    n_features_in_ : int
        Text features plus dictionary features.
    coded_ : DataFrame
        The training paragraphs: sample_id, doc_id, para_id, code (ids as aligned to the
        training documents).
    """

    def __init__(
        self,
        C: float = 1.0,  # noqa: N803 (scikit-learn's name)
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 1,
        dictionary_features: bool = True,
        text_features: bool = True,
        calibration: str = "auto",
        decision: str = "balanced",
        calibration_folds: int = 3,
        calibration_min_count: int = 10,
        random_state: int = 0,
        lexicon: Any = None,
        segmenter: Any = None,
        frame_config: FrameConfig | None = None,
    ) -> None:
        self.C = C
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.dictionary_features = dictionary_features
        self.text_features = text_features
        self.calibration = calibration
        self.decision = decision
        self.calibration_folds = calibration_folds
        self.calibration_min_count = calibration_min_count
        self.random_state = random_state
        self.lexicon = lexicon
        self.segmenter = segmenter
        self.frame_config = frame_config

    # -------------------------------------------------------------------------- settings

    def _check_params(self) -> None:
        check_number("C", self.C, 0.0, low_open=True)
        ng = self.ngram_range
        if (
            not isinstance(ng, tuple | list)
            or len(ng) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in ng)
            or not 1 <= ng[0] <= ng[1]
        ):
            raise InvalidParameterError(
                f"ngram_range: expected a pair of integers 1 <= min <= max, got {ng!r}"
            )
        check_int("min_df", self.min_df, 1)
        for name in ("dictionary_features", "text_features"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidParameterError(
                    f"{name}: expected True or False, got {getattr(self, name)!r}"
                )
        if not (self.dictionary_features or self.text_features):
            raise InvalidParameterError(
                "dictionary_features, text_features: at least one must be True"
            )
        check_choice("calibration", self.calibration, CALIBRATIONS)
        check_choice("decision", self.decision, DECISIONS)
        check_int("calibration_folds", self.calibration_folds, 2)
        check_int("calibration_min_count", self.calibration_min_count, self.calibration_folds)
        check_int("random_state", self.random_state, 0)
        if self.frame_config is not None and not isinstance(self.frame_config, FrameConfig):
            raise InvalidParameterError(
                f"frame_config: expected a FrameConfig, got {type(self.frame_config).__name__}"
            )

    def _feature_config(self) -> FrameConfig:
        return dataclasses.replace(self.frame_config or FrameConfig(), n_boot=0)

    # -------------------------------------------------------------------------- features

    def _inputs(self, fitted: bool) -> tuple[Any, Any, FrameConfig]:
        """The segmenter, lexicon and scorer settings of the features: those the model was
        fitted with (``fitted``), else those its parameters name now."""
        if fitted:
            return self.segmenter_, self.lexicon_, self.frame_config_
        config = self._feature_config()
        return (
            _resolve_segmenter(self.segmenter),
            as_lexicon(self.lexicon, default=config.lexicon),
            config,
        )

    def _paragraph_table(self, docs: pd.DataFrame, fitted: bool = False) -> pd.DataFrame:
        """doc_id, para_id, text, tokens, the dictionary columns, the sentence counts of the
        dictionary features and the documents' metadata, one row per non-empty paragraph,
        sorted by doc_id, para_id. ``fitted``: with the segmenter, lexicon and settings the
        model was fitted with (see :meth:`_inputs`). The tokens are those of the text in
        simplified characters when the settings' ``simplify`` is on, as the dictionary's
        (``text`` stays as written)."""
        seg, lexicon, config = self._inputs(fitted)
        paras = _paragraphs(docs)
        sent = score_frames(docs, level="sentence", lexicon=lexicon, segmenter=seg, config=config)
        meta = [c for c in sent.columns if c in docs.columns and c not in ("doc_id", "text")]
        st = sent["n_stability"].to_numpy(float)
        sv = sent["n_service_law"].to_numpy(float)
        sent = sent.assign(
            doc_id=sent["doc_id"].astype(str),
            para_id=sent["para_id"].astype(int),
            sents_stability=(st > sv).astype(int),
            sents_service_law=(sv > st).astype(int),
        )
        sums = ["n_tokens", "n_stability", "n_service_law", *_SENTENCE_COLUMNS]
        grouped = sent.groupby(_KEYS, sort=True)
        sc = grouped[sums].sum()
        if meta:
            sc = sc.join(grouped[meta].first())
        out = paras.merge(sc.reset_index(), on=_KEYS, how="left", validate="one_to_one")
        for c in sums:
            out[c] = out[c].fillna(0)
        for c in ("n_tokens", *_SENTENCE_COLUMNS):
            out[c] = out[c].astype(int)
        tot = out["n_stability"] + out["n_service_law"]
        out["balance"] = (out["n_service_law"] - out["n_stability"]) / tot.where(tot > 0)
        out = out.loc[:, [*_KEYS, "text", *_DICT_COLUMNS, *_SENTENCE_COLUMNS, *meta]]
        texts = _simplified_texts(out["text"]) if config.simplify else out["text"]
        out["tokens"] = [seg.tokenize(t) for t in texts]
        out = out.sort_values(_KEYS, kind="mergesort").reset_index(drop=True)
        return out

    def _matrix(self, table: pd.DataFrame) -> sparse.csr_matrix:
        parts = []
        if self.vectorizer_ is not None:
            parts.append(self.vectorizer_.transform(list(table["tokens"])))
        if self.dictionary_mean_ is not None:
            scaled = (dictionary_features(table) - self.dictionary_mean_) / self.dictionary_scale_
            parts.append(sparse.csr_matrix(scaled))
        return sparse.hstack(parts, format="csr") if len(parts) > 1 else parts[0].tocsr()

    # -------------------------------------------------------------------------- fitting

    def _logistic(self) -> LogisticRegression:
        return LogisticRegression(
            C=float(self.C),
            class_weight="balanced",
            solver="lbfgs",
            max_iter=_MAX_ITER,
            tol=_TOL,
            random_state=self.random_state,
        )

    def _calibration_splits(
        self, y: np.ndarray, groups: np.ndarray, counts: dict[str, int]
    ) -> tuple[list | None, str]:
        """Grouped calibration folds, or None and the reason calibration is not possible."""
        if self.calibration == "none":
            return None, "not calibrated (calibration='none'): raw probabilities"
        small = {c: n for c, n in counts.items() if n < self.calibration_min_count}
        reason = ""
        splits: list | None = None
        if small:
            listed = ", ".join(f"{c} {n}" for c, n in small.items())
            reason = (
                f"class(es) with fewer than calibration_min_count="
                f"{self.calibration_min_count} coded paragraphs: {listed}"
            )
        elif len(set(groups)) < self.calibration_folds:
            reason = (
                f"{len(set(groups))} article(s), fewer than "
                f"calibration_folds={self.calibration_folds}"
            )
        else:
            cv = StratifiedGroupKFold(n_splits=self.calibration_folds, shuffle=False)
            splits = list(cv.split(np.zeros(len(y)), y, groups))
            for k, (train, _) in enumerate(splits):
                lacking = sorted(set(counts) - set(y[train]))
                if lacking:
                    reason = f"calibration fold {k} trains without class(es) {lacking}"
                    splits = None
                    break
        if splits is None:
            if self.calibration == "sigmoid":
                raise CodingSheetError(f"codes: cannot calibrate the probabilities: {reason}")
            return None, f"not calibrated: {reason}; raw (class-balanced) probabilities"
        return splits, (
            f"Platt-scaled (sigmoid) on out-of-fold decision values of "
            f"{self.calibration_folds} folds grouped by article"
        )

    def _fit_table(self, table: pd.DataFrame, y: np.ndarray, groups: np.ndarray) -> FrameClassifier:
        """Fit on a paragraph table (from :meth:`_paragraph_table`) and its codes."""
        self._check_params()
        labels = [c for c in CODES if c in set(y)]
        if len(labels) < 2:
            raise CodingSheetError(f"codes: need at least two different codes, got {labels}")
        self.segmenter_, self.lexicon_, self.frame_config_ = self._inputs(fitted=False)
        self.decision_ = self.decision
        self.vectorizer_ = None
        if self.text_features:
            self.vectorizer_ = TfidfVectorizer(
                tokenizer=_identity,
                preprocessor=_identity,
                token_pattern=None,
                lowercase=False,
                ngram_range=tuple(self.ngram_range),
                min_df=self.min_df,
                sublinear_tf=True,
            )
            try:
                self.vectorizer_.fit(list(table["tokens"]))
            except ValueError as exc:  # scikit-learn: "empty vocabulary; ..."
                raise CodingSheetError(
                    f"codes: the {len(table)} coded paragraph(s) give no text feature: no "
                    f"analysis token (in at least min_df={self.min_df} of them); they hold "
                    "numbers, punctuation or stopwords only. Code paragraphs with words, or "
                    "fit with text_features=False"
                ) from exc
        self.dictionary_mean_ = self.dictionary_scale_ = None
        if self.dictionary_features:
            feats = dictionary_features(table)
            scale = feats.std(axis=0)
            self.dictionary_mean_ = feats.mean(axis=0)
            self.dictionary_scale_ = np.where(scale > 0, scale, 1.0)
        x = self._matrix(table)
        counts = {c: int((y == c).sum()) for c in labels}
        splits, note = self._calibration_splits(y, groups, counts)
        if splits is None:
            est: Any = self._logistic()
        else:
            est = CalibratedClassifierCV(
                self._logistic(), method="sigmoid", cv=splits, ensemble=False
            )
        with threadpool_limits(1):  # tiny problems: BLAS threads only add contention
            est.fit(x, y)
        order = {c: i for i, c in enumerate(CODES)}
        self.classes_ = np.array(sorted(est.classes_, key=order.__getitem__), dtype=object)
        self._columns = [list(est.classes_).index(c) for c in self.classes_]
        self.estimator_ = est
        self.class_counts_ = counts
        self.calibrated_ = splits is not None
        self.calibration_note_ = note
        self.n_features_in_ = x.shape[1]
        logger.info("FrameClassifier: %s", note)
        return self

    def fit(self, codes: pd.DataFrame, docs: Any) -> FrameClassifier:
        """Learn the codes of coded paragraphs.

        Parameters
        ----------
        codes : DataFrame
            Coded paragraphs as :func:`textkit.frames.validate.read_codes` returns them
            (``sample_id``, ``doc_id``, ``para_id``, ``text``, ``code``). They are re-mapped
            onto ``docs`` by their text (:func:`textkit.frames.validate.align_codes`). Not
            modified.
        docs : DataFrame
            Documents table (``doc_id``, ``text``) holding the coded paragraphs.

        Returns
        -------
        FrameClassifier
            ``self``, fitted.

        Raises
        ------
        textkit.core.errors.CodingSheetError
            A coded paragraph is not in ``docs`` (sample ids named), an unknown code, one
            paragraph coded twice with different codes, fewer than two distinct codes, or
            ``calibration="sigmoid"`` with classes too small for it (classes and counts named).
        textkit.core.errors.InvalidParameterError
            A parameter out of range (named).
        """
        self._check_params()
        aligned, docs = checked_codes(codes, docs)
        used = docs[docs["doc_id"].isin(set(aligned["doc_id"]))].reset_index(drop=True)
        table = self._paragraph_table(used)
        rows = _rows_of(aligned, table)
        train = table.loc[rows].reset_index(drop=True)
        y = aligned["code"].to_numpy(dtype=object)
        self._fit_table(train, y, aligned["doc_id"].to_numpy(dtype=object))
        self.coded_ = aligned.loc[:, ["sample_id", "doc_id", "para_id", "code"]].reset_index(
            drop=True
        )
        self._coded_keys = frozenset(_text_key(t) for t in aligned["text"])
        return self

    # -------------------------------------------------------------------------- prediction

    def _check_fitted(self) -> None:
        if not hasattr(self, "estimator_"):
            raise NotFittedError("FrameClassifier is not fitted yet; call fit(codes, docs) first")

    def __sklearn_is_fitted__(self) -> bool:
        """scikit-learn's fitted test (:func:`sklearn.utils.validation.check_is_fitted`)."""
        return hasattr(self, "estimator_")

    def _scores(self, table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        """The probabilities (calibrated when :attr:`calibrated_`) and the probabilities the
        labels follow (``decision``), columns in :attr:`classes_` order."""
        if table.empty:
            empty = np.zeros((0, len(self.classes_)))
            return empty, empty
        x = self._matrix(table)
        with threadpool_limits(1):
            proba = self.estimator_.predict_proba(x)[:, self._columns]
            if self.decision_ == "calibrated" or not self.calibrated_:
                return proba, proba
            # ensemble=False: one base model, fitted on every training paragraph
            base = self.estimator_.calibrated_classifiers_[0].estimator
            order = [list(base.classes_).index(c) for c in self.classes_]
            return proba, base.predict_proba(x)[:, order]

    def _proba_table(self, table: pd.DataFrame) -> np.ndarray:
        return self._scores(table)[0]

    def _labels(self, decided: np.ndarray) -> np.ndarray:
        """The code of each row of decision probabilities (ties: :data:`CODES` order)."""
        if not len(decided):
            return np.array([], object)
        return self.classes_[np.argmax(decided, axis=1)]

    def predict_proba(self, docs: Any) -> np.ndarray:
        """Class probabilities of every paragraph of ``docs``.

        Parameters
        ----------
        docs : DataFrame or list of str
            Documents table (``doc_id``, ``text``) or strings (ids ``"0"``, ``"1"``, …), as
            :func:`textkit.frames.score.score_frames` takes them.

        Returns
        -------
        ndarray, shape (n_paragraphs, n_classes)
            Columns in :attr:`classes_` order, rows in the order of
            ``transform(docs, level="paragraph")`` (doc_id, para_id).

        Raises
        ------
        textkit.core.errors.NotFittedError
        """
        self._check_fitted()
        return self._proba_table(self._paragraph_table(as_documents(docs), fitted=True))

    def predict(self, docs: Any) -> np.ndarray:
        """The code of every paragraph of ``docs``: the most probable under ``decision``
        (ties: :data:`CODES` order).

        Parameters
        ----------
        docs : DataFrame or list of str
            As in :meth:`predict_proba`.

        Returns
        -------
        ndarray of str, shape (n_paragraphs,)
        """
        self._check_fitted()
        return self._labels(self._scores(self._paragraph_table(as_documents(docs), fitted=True))[1])

    def _frame_table(self, table: pd.DataFrame, decided: bool = False) -> pd.DataFrame:
        """The paragraph rows of :meth:`transform`; ``decided`` adds the decision
        probabilities as ``_d_<code>`` (for the document level)."""
        proba, decision = self._scores(table)
        out = table.drop(columns=["text", "tokens", *_SENTENCE_COLUMNS]).copy()
        meta = [c for c in out.columns if c not in (*_KEYS, *_DICT_COLUMNS)]
        labels = self._labels(decision)
        out["frame_label"] = pd.Series(labels, index=out.index, dtype="str")
        extra = []
        for col in PROBA_COLUMNS:
            code = col[2:]
            at = list(self.classes_).index(code) if code in self.classes_ else None
            out[col] = proba[:, at] if at is not None else 0.0
            if decided:
                out[f"_d_{code}"] = decision[:, at] if at is not None else 0.0
                extra.append(f"_d_{code}")
        cols = [*_KEYS, *_DICT_COLUMNS, "frame_label", *PROBA_COLUMNS, *meta, *extra]
        return out.loc[:, cols]

    def transform(self, docs: Any, level: str = "paragraph") -> pd.DataFrame:
        """A ``score_frames``-shaped table of the classifier's labels and probabilities.

        Parameters
        ----------
        docs : DataFrame or list of str
            As in :meth:`predict_proba`. Metadata columns of a documents table are carried
            over as ``score_frames`` does.
        level : {"paragraph", "document"}, default "paragraph"
            One row per non-empty paragraph, or per document: the mean of its paragraphs'
            probabilities (each paragraph counts once: the expected share of its paragraphs
            in each code) and a label read from its *framed* paragraphs, like the
            dictionary's document label (:func:`document_labels`): ``neither`` when fewer
            than one paragraph (half the paragraphs of a one-paragraph document) is expected
            to be framed, else ``mixed`` when the expected service and stability paragraphs
            (a ``mixed`` one counting half to each) balance within
            ``frame_config.label_threshold``, else the side that leads. The probabilities
            read are those ``decision`` names. A document without paragraphs gets NaN
            probabilities and ``neither``. The mean probabilities alone would label most
            long reports ``neither``: their opening, background and closing paragraphs
            outnumber the framed ones.

        Returns
        -------
        DataFrame
            doc_id [, para_id], n_tokens, n_stability, n_service_law, balance (the dictionary
            columns of ``score_frames``, summed over a document's paragraphs; balance
            recomputed), frame_label (the classifier's), p_stability, p_service_law,
            p_mixed, p_neither (0 for a code absent from training), then the metadata.

        Raises
        ------
        textkit.core.errors.NotFittedError
        """
        check_choice("level", level, ("paragraph", "document"))
        self._check_fitted()
        docs = as_documents(docs)
        table = self._paragraph_table(docs, fitted=True)
        para = typed_empty(self._frame_table(table, decided=level == "document"), _SCORE_DTYPES)
        if level == "paragraph":
            return para
        decided = [f"_d_{c}" for c in CODES]
        meta = [c for c in para.columns if c not in (*_KEYS, *_DICT_COLUMNS, "frame_label",
                                                     *PROBA_COLUMNS, *decided)]  # fmt: skip
        agg = para.groupby("doc_id", sort=False).agg(
            n_tokens=("n_tokens", "sum"),
            n_stability=("n_stability", "sum"),
            n_service_law=("n_service_law", "sum"),
            **{c: (c, "mean") for c in PROBA_COLUMNS},
            **{c: (c, "sum") for c in decided},  # expected paragraphs of each code
        )
        out = docs[["doc_id", *[c for c in meta if c in docs.columns]]].merge(
            agg.reset_index(), on="doc_id", how="left"
        )
        for c in ("n_tokens", "n_stability", "n_service_law"):
            out[c] = out[c].fillna(0)
        out["n_tokens"] = out["n_tokens"].astype(int)
        tot = out["n_stability"] + out["n_service_law"]
        out["balance"] = (out["n_service_law"] - out["n_stability"]) / tot.where(tot > 0)
        expected = out.loc[:, decided].set_axis(list(CODES), axis=1)
        out["frame_label"] = document_labels(expected, self.frame_config_.label_threshold)
        cols = ["doc_id", *_DICT_COLUMNS, "frame_label", *PROBA_COLUMNS, *meta]
        return typed_empty(out.loc[:, [c for c in cols if c in out.columns]], _SCORE_DTYPES)


def document_labels(expected: pd.DataFrame, threshold: float) -> np.ndarray:
    """Document labels from the expected number of paragraphs in each code.

    Parameters
    ----------
    expected : DataFrame
        One row per document, columns :data:`CODES`: the sum over its paragraphs of their
        probabilities (NaN for a document without paragraphs). Not modified.
    threshold : float
        The ``|balance|`` a one-sided label needs (``FrameConfig.label_threshold``).

    Returns
    -------
    ndarray of str
        ``neither`` when fewer than ``min(1, n / 2)`` of a document's ``n`` paragraphs are
        expected to be framed (or it has none); else ``mixed`` when the balance of the
        expected framed paragraphs, (service_law - stability) / framed, with a ``mixed``
        paragraph counting half to each side, is within ``threshold`` of 0; else the side
        it leans to.
    """
    p = expected.loc[:, list(CODES)].to_numpy(float)
    n = p.sum(axis=1)
    framed = n - p[:, CODES.index("neither")]
    with np.errstate(invalid="ignore", divide="ignore"):
        balance = (p[:, CODES.index("service_law")] - p[:, CODES.index("stability")]) / framed
    # rounding keeps the comparisons stable where probabilities sum to a threshold
    framed, n, balance = np.round(framed, 9), np.round(n, 9), np.round(balance, 9)
    labels = np.full(len(p), "mixed", dtype=object)
    labels[(balance <= -threshold) & (balance < 0)] = "stability"
    labels[(balance >= threshold) & (balance > 0)] = "service_law"
    labels[~np.isfinite(n) | (n == 0) | (framed < np.minimum(1.0, n / 2))] = "neither"
    return labels


# ----------------------------------------------------------------------------- helpers


def _simplified_texts(texts: pd.Series) -> list[str]:
    """``texts`` with traditional characters converted, as ``score_frames`` reads them."""
    from textkit.corpus.clean_rules import to_simplified

    return [to_simplified(t) if t else t for t in texts]


def _rows_of(aligned: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """Positions in ``table`` of the aligned codes' paragraphs."""
    pos = {k: i for i, k in enumerate(zip(table["doc_id"], table["para_id"], strict=True))}
    return np.array(
        [pos[(d, int(p))] for d, p in zip(aligned["doc_id"], aligned["para_id"], strict=True)],
        dtype=int,
    )
