"""Shared fixtures: the seed corpus built once per test session.

``seed_build`` is the :class:`textkit.corpus.build.CorpusBuild` of ``corpus/raw`` (the five seed
pages, 36 articles) and ``seed_docs`` its documents table; ``seed_pages`` is the raw pages
themselves, one row a page, converted to simplified Chinese with OpenCC ``t2s`` (for tests
that must not depend on the corpus builder). All are session-scoped and must be treated as
read-only (tests that modify a table copy it first). ``seed_units`` is the sentence units table
of the seed corpus's kept articles (segmented once per session). ``cache_dir_env`` points
``TEXTKIT_CACHE_DIR`` at a private directory while a module-scoped fixture builds something.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW_DIR = ROOT / "corpus" / "raw"


@pytest.fixture(scope="session")
def seed_raw_dir() -> Path:
    """Directory of the raw seed pages (never modify its files)."""
    return RAW_DIR


@pytest.fixture(scope="session")
def seed_build(seed_raw_dir):
    """The CorpusBuild of the seed corpus (built once per session)."""
    from textkit.corpus.build import build_corpus

    return build_corpus(seed_raw_dir)


@pytest.fixture(scope="session")
def seed_docs(seed_build):
    """The documents table of the seed corpus (one row per article, 36 rows)."""
    return seed_build.documents


@pytest.fixture(scope="session")
def seed_pages(seed_raw_dir):
    """The raw seed pages in simplified Chinese: doc_id (file stem) and text, one row a page."""
    import opencc
    import pandas as pd

    cc = opencc.OpenCC("t2s")
    files = sorted(seed_raw_dir.glob("*.txt"))
    return pd.DataFrame(
        {
            "doc_id": [f.stem for f in files],
            "text": [cc.convert(f.read_text("utf-8")) for f in files],
        }
    )


@pytest.fixture(scope="session")
def cache_dir_env(tmp_path_factory) -> Callable[..., AbstractContextManager[None]]:
    """``with cache_dir_env(path):`` sets ``TEXTKIT_CACHE_DIR`` to ``path`` (default: the
    session's ``<basetemp>/tkcache``) and restores the old value on exit, for fixtures of a
    wider scope than ``monkeypatch``."""

    @contextmanager
    def use(path: Path | None = None) -> Iterator[None]:
        path = tmp_path_factory.getbasetemp() / "tkcache" if path is None else path
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("TEXTKIT_CACHE_DIR", str(path))
            yield

    return use


@pytest.fixture(scope="session")
def seed_units(seed_docs, tmp_path_factory, cache_dir_env):
    """Sentence units of the seed corpus's kept articles (not quarantined, not duplicates)."""
    from textkit.segment import segment_corpus

    dup = seed_docs["is_duplicate"].fillna(False).astype(bool)
    docs = seed_docs[(seed_docs["status"] != "quarantined") & ~dup].reset_index(drop=True)
    with cache_dir_env(tmp_path_factory.mktemp("tkcache")):
        return segment_corpus(docs[["doc_id", "text"]], unit="sentence", cache=False)


@pytest.fixture
def pool_starts(monkeypatch):
    """A list that receives, each time a :class:`textkit.core.executor.WorkerPool` closes, how
    many times it started its processes (0: everything ran in this process)."""
    from textkit.core import executor

    starts: list[int] = []
    real_close = executor.WorkerPool.close

    def close_and_record(self):
        starts.append(self.starts)
        real_close(self)

    monkeypatch.setattr(executor.WorkerPool, "close", close_and_record)
    return starts
