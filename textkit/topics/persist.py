"""Topic tables and models on disk: :func:`save_topic_tables`, :func:`save_model`,
:func:`load_model`, :func:`save_ldavis_html`.

:func:`save_topic_tables` writes CSV + Parquet tables; :func:`save_model` writes the model in
gensim's own format (LDA) or as plain ``.npy`` arrays (NMF) next to a JSON stamp (textkit
version, config, vocabulary hash, file checksums) that :func:`load_model` checks before
reading anything. gensim's loader uses :mod:`pickle`: only load directories you created
yourself; :func:`load_model` never searches for models on its own.
"""

from __future__ import annotations

import logging
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from textkit import __version__
from textkit.core.errors import InvalidParameterError
from textkit.core.io import (
    sha256_bytes,
    sha256_file,
    write_bytes,
    write_csv,
    write_json,
    write_parquet,
    write_text,
)
from textkit.dtm.vectorizer import DocumentTermMatrix
from textkit.topics._common import (
    _align,
    _library_versions,
    _no_lifecycle_log,
    _normalize_rows,
    _require_fitted,
    _row_lengths,
    _vocab_hash,
)
from textkit.topics.describe import top_terms, topic_summary
from textkit.topics.lda import LdaTopicModel
from textkit.topics.nmf import NmfTopicModel, _make_nmf
from textkit.topics.seeded import SeededLdaTopicModel

__all__ = ["save_topic_tables", "save_model", "load_model", "save_ldavis_html"]

logger = logging.getLogger(__name__)

_STAMP = "textkit_topic_model.json"


def save_topic_tables(
    model: Any, out_dir: str | Path, n: int = 20, prefix: str = "topics"
) -> list[Path]:
    """Write the topic tables as CSV and Parquet (via :mod:`textkit.core.io`).

    Files (``<prefix>_<table>.csv`` / ``.parquet``): ``top_terms`` (tidy, ``by`` in prob /
    frex / relevance, ``n`` per topic), ``doc_topic`` (one row per document, columns
    ``doc_id`` and one per topic), ``topic_term`` (long table ``topic, term, prob`` for
    every term with probability above 0), ``summary`` (topic, prevalence, top terms).

    Parameters
    ----------
    model : fitted topic model
    out_dir : path-like
    n : int, default 20
    prefix : str, default "topics"

    Returns
    -------
    list of Path
        Files written, sorted.
    """
    _require_fitted(model)
    out = Path(out_dir)
    tables: dict[str, pd.DataFrame] = {}
    parts = []
    for by in ("prob", "frex", "relevance"):
        t = top_terms(model, n=n, by=by)
        t.insert(1, "by", by)
        parts.append(t)
    tables["top_terms"] = pd.concat(parts, ignore_index=True)
    dt = model.doc_topic_.reset_index()
    dt.columns = [str(c) for c in dt.columns]
    tables["doc_topic"] = dt
    tt = model.topic_term_.stack().rename("prob").reset_index()
    tables["topic_term"] = tt[tt["prob"] > 0].reset_index(drop=True)
    tables["summary"] = topic_summary(model, 10)
    written = []
    for name in sorted(tables):
        written.append(write_csv(out / f"{prefix}_{name}.csv", tables[name]))
        written.append(write_parquet(out / f"{prefix}_{name}.parquet", tables[name]))
    return sorted(written)


def save_model(
    model: Any, path: str | Path, provenance: Mapping[str, Any] | None = None
) -> list[Path]:
    """Save a fitted model to a directory, with a JSON stamp checked on loading.

    LDA models are saved in gensim's own format (``LdaModel.save``, which pickles the
    model object and writes arrays as ``.npy``; gensim's wall-clock lifecycle log is
    switched off and the pickle does not depend on ``PYTHONHASHSEED``, so the same model
    gives the same bytes in any process); NMF models as plain ``.npy`` arrays (no pickle). Both directories also hold ``doc_topic.parquet`` and
    ``term_frequency.parquet`` (the fitted tables) and ``textkit_topic_model.json``: textkit
    and library versions, model class, config, vocabulary hash, the run's provenance and
    the sha256 of every file. Files are written atomically through :mod:`textkit.core.io`.

    Parameters
    ----------
    model : fitted LdaTopicModel, SeededLdaTopicModel or NmfTopicModel
    path : path-like
        Directory (created if needed).
    provenance : mapping, optional
        Recorded in the stamp as is, e.g. ``tk.provenance(cfg).as_dict()`` (corpus and
        config hashes) so a saved model can be traced to the run that made it.

    Returns
    -------
    list of Path
        Files written (the stamp last).
    """
    _require_fitted(model)
    if getattr(getattr(model, "_fit_config", None), "multicore", False):
        logger.warning("save_model: LdaMulticore models are saved, but not reproducible")
    out = Path(path)
    written: list[Path] = []
    files: dict[str, str] = {}

    def put(name: str, data: bytes) -> None:
        p = write_bytes(out / name, data)
        written.append(p)
        files[name] = sha256_bytes(data)

    if isinstance(model, LdaTopicModel):
        _no_lifecycle_log(model.model_)
        with tempfile.TemporaryDirectory(prefix="textkit-lda-") as tmp:
            # ignore=() keeps gensim's fixed list of ignored attributes; its default
            # ('state', 'dispatcher') is merged through a set, whose order (and so the
            # pickled bytes) depends on PYTHONHASHSEED
            model.model_.save(str(Path(tmp) / "model.gensim"), ignore=())
            for f in sorted(Path(tmp).iterdir()):
                put(f.name, f.read_bytes())
    elif isinstance(model, NmfTopicModel):
        import io

        arrays = {
            "nmf_components.npy": model.nmf_.components_,
            "tfidf_idf.npy": np.asarray(model.tfidf_.idf_, dtype=np.float64),
        }
        for name, arr in arrays.items():
            buf = io.BytesIO()
            np.save(buf, np.asarray(arr, dtype=np.float64), allow_pickle=False)
            put(name, buf.getvalue())
    else:
        raise InvalidParameterError(f"model: cannot save a {type(model).__name__}")
    for name, table in (
        ("doc_topic.parquet", model.doc_topic_.reset_index()),
        ("term_frequency.parquet", model.term_frequency_.reset_index()),
    ):
        p = write_parquet(out / name, table)
        written.append(p)
        files[name] = sha256_file(p)
    stamp = {
        "textkit_version": __version__,
        "library_versions": _library_versions(),
        "provenance": {str(k): v for k, v in sorted(dict(provenance or {}).items())},
        "class": type(model).__name__,
        "config": model._stamp_params(),
        "topic_labels": list(model.topic_labels_),
        "vocabulary_hash": model.vocabulary_hash_,
        "n_terms": len(model.vocabulary_),
        "empty_docs": list(model.empty_docs_),
        "seeds_used": getattr(model, "seeds_used_", {}),
        "files": dict(sorted(files.items())),
    }
    written.append(write_json(out / _STAMP, stamp))
    return written


def load_model(path: str | Path) -> Any:
    """Load a model saved by :func:`save_model`, checking its stamp first.

    **Security:** gensim's loader uses :mod:`pickle`, which can run code. Only load
    directories you created yourself; textkit never loads a model from a path you did not
    pass explicitly. Before anything is unpickled the stamp is read and every file's sha256
    is checked against it, so a directory altered after saving is refused (this guards
    against accidents, not against someone who rewrites the stamp too).

    Parameters
    ----------
    path : path-like
        Directory written by :func:`save_model`.

    Returns
    -------
    LdaTopicModel, SeededLdaTopicModel or NmfTopicModel
        Fitted, with ``doc_topic_``, ``topic_term_`` and ``term_frequency_`` restored.

    Raises
    ------
    ValueError
        Missing or mismatching stamp, changed files, or a different textkit version.
    """
    import json

    root = Path(path)
    stamp_path = root / _STAMP
    if not stamp_path.is_file():
        raise ValueError(f"path: {root} has no {_STAMP}; not a textkit topic model directory")
    stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
    if stamp.get("textkit_version") != __version__:
        raise ValueError(
            f"{stamp_path}: saved with textkit {stamp.get('textkit_version')}, "
            f"this is {__version__}; refit the model"
        )
    for name, digest in sorted(stamp.get("files", {}).items()):
        f = root / name
        if not f.is_file() or sha256_file(f) != digest:
            raise ValueError(f"{f}: missing or changed since it was saved (sha256 mismatch)")
    saved = stamp.get("library_versions", {})
    for lib, version in sorted(_library_versions().items()):
        if lib in saved and saved[lib] != version:
            msg = (
                f"{stamp_path}: saved with {lib} {saved[lib]}, this is {version}; "
                "results may differ (refit to be sure)"
            )
            warnings.warn(msg, UserWarning, stacklevel=2)
            logger.warning(msg)
    cls = {c.__name__: c for c in (LdaTopicModel, SeededLdaTopicModel, NmfTopicModel)}.get(
        stamp.get("class")
    )
    if cls is None:
        raise ValueError(f"{stamp_path}: unknown model class {stamp.get('class')!r}")
    params = dict(stamp["config"])
    model = cls(**params)
    model._fit_config = model._settings()
    doc_topic = pd.read_parquet(root / "doc_topic.parquet").set_index("doc_id")
    tf = pd.read_parquet(root / "term_frequency.parquet").set_index("term")["tf"]
    vocab = [str(t) for t in tf.index]
    if _vocab_hash(vocab) != stamp["vocabulary_hash"]:
        raise ValueError(f"{stamp_path}: vocabulary hash does not match the saved vocabulary")
    labels = list(stamp["topic_labels"])
    if cls is NmfTopicModel:
        from sklearn.feature_extraction.text import TfidfTransformer

        h = np.load(root / "nmf_components.npy", allow_pickle=False)
        idf = np.load(root / "tfidf_idf.npy", allow_pickle=False)
        cfg = model._fit_config
        nmf = _make_nmf(cfg)
        nmf.components_ = h
        nmf.n_components_ = h.shape[0]
        nmf.n_features_in_ = h.shape[1]
        nmf._n_components = h.shape[0]
        nmf.n_iter_ = 0
        nmf.reconstruction_err_ = np.nan
        tfidf = TfidfTransformer(sublinear_tf=cfg.sublinear_tf)
        tfidf.idf_ = idf
        tfidf.n_features_in_ = len(idf)
        model.nmf_, model.tfidf_ = nmf, tfidf
        topic_term = _normalize_rows(h)
    else:
        from gensim.models import LdaModel

        lda = LdaModel.load(str(root / "model.gensim"))
        if [lda.id2word[j] for j in range(len(vocab))] != vocab:
            raise ValueError(f"{root}: the gensim dictionary does not match the stamp")
        _no_lifecycle_log(lda)
        model.model_ = lda
        topic_term = _normalize_rows(np.asarray(lda.get_topics(), dtype=np.float64))
        if isinstance(model, SeededLdaTopicModel):
            model.seeds_used_ = {k: list(v) for k, v in stamp.get("seeds_used", {}).items()}
            model.seeds_missing_ = {}
            model.eta_ = np.asarray(lda.eta, dtype=np.float64)
    empty = tuple(stamp.get("empty_docs", []))
    model.topic_labels_ = tuple(labels)
    model.vocabulary_ = tuple(vocab)
    model.doc_ids_ = tuple(str(d) for d in doc_topic.index)
    model.topic_term_ = pd.DataFrame(
        topic_term, index=pd.Index(labels, name="topic"), columns=pd.Index(vocab, name="term")
    )
    doc_topic.columns = pd.Index([str(c) for c in doc_topic.columns], name="topic")
    doc_topic.index = pd.Index([str(d) for d in doc_topic.index], name="doc_id")
    model.doc_topic_ = doc_topic
    model.term_frequency_ = tf.astype(np.int64).rename_axis("term").rename("tf")
    model.doc_lengths_ = pd.Series(dtype=np.int64, name="n_tokens")
    model.empty_docs_ = empty
    model.vocabulary_hash_ = stamp["vocabulary_hash"]
    return model


def save_ldavis_html(model: Any, path: str | Path, dtm: DocumentTermMatrix) -> Path:
    """Write an interactive pyLDAvis page, if the optional ``pyLDAvis`` package is installed.

    Parameters
    ----------
    model : fitted topic model
    path : path-like
        HTML file to write.
    dtm : DocumentTermMatrix
        The training matrix (document lengths and term frequencies).

    Returns
    -------
    Path

    Raises
    ------
    ImportError
        When pyLDAvis is not installed (it is not a textkit dependency).

    Notes
    -----
    The page is an interactive view for exploring, not an archival output: pyLDAvis puts a
    random element id into the HTML, so two runs do not give byte-identical files.
    """
    try:
        import pyLDAvis
    except ImportError as exc:
        raise ImportError("save_ldavis_html needs the optional package pyLDAvis") from exc
    _require_fitted(model)
    matrix = _align(dtm, model.vocabulary_)
    data = pyLDAvis.prepare(
        topic_term_dists=model.topic_term_.to_numpy(),
        doc_topic_dists=model.transform(dtm).to_numpy(),
        doc_lengths=_row_lengths(matrix),
        vocab=list(model.vocabulary_),
        term_frequency=np.asarray(matrix.sum(axis=0)).ravel(),
        sort_topics=False,
        start_index=1,
        n_jobs=1,
    )
    return write_text(path, pyLDAvis.prepared_data_to_html(data))
