"""The scikit-learn estimator contract of the three topic models, on the seed corpus.

``__init__`` only stores its parameters; ``get_params`` / ``set_params`` /
:func:`sklearn.base.clone` work from them; an invalid parameter raises when the model is
fit, not when it is made; a method that needs a fitted model raises
:class:`textkit.core.errors.NotFittedError` (a scikit-learn ``NotFittedError``).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn.exceptions
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from textkit.core.errors import InvalidParameterError, NotFittedError
from textkit.topics import LdaTopicModel, NmfTopicModel, SeededLdaTopicModel

QUICK = {"passes": 2, "iterations": 20}

# model class, parameters (seed words filled in by the test), a bad parameter and its name
CASES = {
    "lda": (LdaTopicModel, {"n_topics": 3, "random_state": 1, **QUICK}, {"passes": 0}),
    "seeded": (
        SeededLdaTopicModel,
        {"n_topics": 2, "seed_words": None, "seed_weight": 2.0, "random_state": 1, **QUICK},
        {"seed_weight": 0},
    ),
    "nmf": (NmfTopicModel, {"n_topics": 3, "init": "random", "random_state": 1}, {"tol": -1.0}),
}


def _params(name: str, seed_words: dict) -> tuple[type, dict, dict]:
    cls, params, bad = CASES[name]
    params = dict(params)
    if "seed_words" in params:
        params["seed_words"] = seed_words
    return cls, params, bad


def _fit(model, dtm):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # seed words absent from the vocabulary
        return model.fit(dtm)


@pytest.mark.parametrize("name", sorted(CASES))
def test_init_only_stores_parameters(name, seed_words):
    cls, params, _ = _params(name, seed_words)
    model = cls(**params)
    names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
    assert sorted(vars(model)) == sorted(names)  # nothing derived, nothing validated
    for key, value in params.items():
        assert getattr(model, key) is value  # stored as given, not copied
    assert not any(k.endswith("_") for k in vars(model))


@pytest.mark.parametrize("name", sorted(CASES))
def test_get_params_set_params_and_clone(name, seed_words, dtm):
    cls, params, _ = _params(name, seed_words)
    model = cls(**params)
    got = model.get_params(deep=True)
    signature = inspect.signature(cls.__init__).parameters
    defaults = {k: p.default for k, p in signature.items() if p.default is not p.empty}
    assert got == {**defaults, **params}
    assert set(got) == set(signature) - {"self"}
    assert model.get_params(deep=False) == got
    assert model.set_params(random_state=7) is model and model.random_state == 7
    with pytest.raises(ValueError, match="Invalid parameter"):
        model.set_params(no_such_parameter=1)
    model.set_params(random_state=params["random_state"])
    copy = clone(model)
    assert type(copy) is cls and copy is not model
    assert copy.get_params() == model.get_params()
    # a clone of a fitted model is unfitted, and refits to the same tables
    fitted = _fit(model, dtm)
    again = clone(fitted)
    assert not hasattr(again, "topic_term_")
    _fit(again, dtm)
    pd.testing.assert_frame_equal(again.topic_term_, fitted.topic_term_, check_exact=True)
    pd.testing.assert_frame_equal(again.doc_topic_, fitted.doc_topic_, check_exact=True)
    check_is_fitted(fitted)


@pytest.mark.parametrize("name", sorted(CASES))
def test_unfitted_model_raises_not_fitted(name, seed_words, dtm):
    cls, params, _ = _params(name, seed_words)
    model = cls(**params)
    calls = [lambda: model.transform(dtm), lambda: model.n_topics_total]
    if name != "nmf":
        calls.append(lambda: model.log_perplexity(dtm))
    for call in calls:
        with pytest.raises(NotFittedError, match="not fitted"):
            call()
        with pytest.raises(sklearn.exceptions.NotFittedError):
            call()
    with pytest.raises(sklearn.exceptions.NotFittedError):
        check_is_fitted(model)


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_parameter_raises_at_fit_not_at_init(name, seed_words, dtm):
    cls, params, bad = _params(name, seed_words)
    ((key, value),) = bad.items()
    model = cls(**{**params, **bad})  # accepted: __init__ does not validate
    assert getattr(model, key) == value
    with pytest.raises(InvalidParameterError, match=rf"^{key}: expected"):
        model.fit(dtm)
    assert not hasattr(model, "topic_term_")
    # the same through set_params on a valid model
    good = cls(**params).set_params(**bad)
    with pytest.raises(InvalidParameterError, match=rf"^{key}: expected"):
        good.fit(dtm)
    # ... and a type error is reported the same way
    with pytest.raises(InvalidParameterError, match="n_topics"):
        cls(**{**params, "n_topics": "three"}).fit(dtm)


def test_config_is_the_validated_settings(seed_words):
    model = LdaTopicModel(4, alpha=0.5)
    assert model.config.n_topics == 4 and model.config.alpha == 0.5
    model.set_params(alpha=np.full(4, 0.1))
    assert isinstance(model.config.alpha, np.ndarray)
    model.set_params(alpha=np.full(3, 0.1))
    with pytest.raises(InvalidParameterError, match=r"alpha: an array must have shape \(4,\)"):
        model.config  # noqa: B018 (the property validates)
    seeded = SeededLdaTopicModel(3, seed_words=seed_words)
    assert seeded.config.n_topics == 3 + len(seed_words)
