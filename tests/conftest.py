"""Shared fixtures: the seed corpus built once per test session.

``seed_build`` is the :class:`textkit.corpus.CorpusBuild` of ``corpus/raw`` (the five seed
pages, 36 articles) and ``seed_docs`` its documents table. Both are session-scoped and
must be treated as read-only (tests that modify a table copy it first).
"""

from __future__ import annotations

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
    from textkit.corpus import build_corpus

    return build_corpus(seed_raw_dir)


@pytest.fixture(scope="session")
def seed_docs(seed_build):
    """The documents table of the seed corpus (one row per article, 36 rows)."""
    return seed_build.documents
