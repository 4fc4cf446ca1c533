"""Every error textkit raises on purpose, under one base class.

Each class keeps the built-in base it had before (``ValueError`` for bad input,
``RuntimeError`` for a failed run), so ``except ValueError`` in user code still works,
and adds :class:`TextkitError`, so one ``except TextkitError`` catches them all. The
command line catches :class:`TextkitError` once and prints its message without a traceback.
"""

from __future__ import annotations

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "TextkitError",
    "ConfigError",
    "CacheEntryError",
    "CorpusError",
    "UserDictError",
    "LexiconError",
    "CodingSheetError",
    "NotebookError",
    "NotFittedError",
    "InvalidParameterError",
]


class TextkitError(Exception):
    """Base class of every error textkit raises on purpose.

    :attr:`summary` and :attr:`exit_status` say how the ``textkit`` command reports it:
    ``textkit: <summary>: <message>`` on stderr, then that exit status (2 for a bad setting
    or argument, 1 for a failed run).
    """

    summary = "error"
    exit_status = 1


class ConfigError(TextkitError, ValueError):
    """A setting in ``textkit.toml`` or an argument is unknown or invalid; the message names it."""

    summary = "configuration error"
    exit_status = 2


class CacheEntryError(TextkitError, ValueError):
    """A cache entry that cannot be trusted (corrupt, truncated or stale)."""


class CorpusError(TextkitError, RuntimeError):
    """The corpus accounting does not add up (a bug, never a property of the input), or a
    written corpus directory is inconsistent (an interrupted build, a file changed since)."""

    summary = "corpus error"


class UserDictError(TextkitError, ValueError):
    """A user dictionary line that cannot be read or repaired (names file and line)."""


class LexiconError(TextkitError, ValueError):
    """A malformed lexicon file; the message names the file and line."""


class CodingSheetError(TextkitError, ValueError):
    """A coded sheet is malformed (missing column, bad code); the message names file/line."""


class NotebookError(TextkitError, RuntimeError):
    """A notebook failed to execute, or its output showed a missing-glyph warning."""

    summary = "notebook failed"


class NotFittedError(TextkitError, _SklearnNotFittedError):
    """A model method that needs a fitted model was called before ``fit``.

    Subclasses scikit-learn's :class:`sklearn.exceptions.NotFittedError` (itself a
    ``ValueError`` and an ``AttributeError``), so code written for scikit-learn catches it.
    """


class InvalidParameterError(TextkitError, ValueError, TypeError):
    """An argument or setting has the wrong type or is out of range; the message names it.

    A ``ValueError`` and a ``TypeError`` (as scikit-learn's own ``InvalidParameterError``),
    so callers written against either keep working. Raised through :mod:`textkit.core.checks`.
    """

    summary = "invalid argument"
    exit_status = 2
