"""Every error textkit raises on purpose: one base, old bases kept, the CLI reports it once."""

from __future__ import annotations

import pytest
from sklearn.exceptions import NotFittedError as SklearnNotFittedError

from textkit.core import errors
from textkit.run.cli import main

#: Each error and the built-in base it had before it got a common one.
OLD_BASES = {
    "ConfigError": ValueError,
    "CacheEntryError": ValueError,
    "CorpusError": RuntimeError,
    "UserDictError": ValueError,
    "LexiconError": ValueError,
    "CodingSheetError": ValueError,
    "NotebookError": RuntimeError,
    "NotFittedError": SklearnNotFittedError,
    "InvalidParameterError": ValueError,
}


def test_every_error_has_one_base_and_keeps_its_old_one():
    names = [n for n in errors.__all__ if n != "TextkitError"]
    assert sorted(names) == sorted(OLD_BASES)
    for name in names:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.TextkitError), name
        assert issubclass(cls, OLD_BASES[name]), name
        assert cls.exit_status in (1, 2) and cls.summary


def test_errors_are_defined_in_one_module():
    """The classes other modules re-export are these very classes."""
    from textkit.core.config import ConfigError
    from textkit.core.lexicon import LexiconError
    from textkit.corpus import CorpusError
    from textkit.run.notebooks import NotebookError

    assert ConfigError is errors.ConfigError and CorpusError is errors.CorpusError
    assert LexiconError is errors.LexiconError and NotebookError is errors.NotebookError
    for cls in (ConfigError, CorpusError, LexiconError, NotebookError):
        assert cls.__module__ == "textkit.core.errors"


@pytest.mark.parametrize(
    ("toml", "status", "prefix"),
    [
        ("[bogus]\n", 2, "textkit: configuration error: "),
        ('[corpus]\nraw_dir = "nowhere"\n', 2, "textkit: configuration error: "),
    ],
)
def test_cli_reports_a_textkit_error_without_a_traceback(tmp_path, capsys, toml, status, prefix):
    path = tmp_path / "textkit.toml"
    path.write_text(toml, encoding="utf-8")
    assert main(["-q", "--config", str(path), "config"]) == status
    err = capsys.readouterr().err
    assert err.startswith(prefix) and "Traceback" not in err
