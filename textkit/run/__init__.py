"""The run: command line, pipeline, notebook execution, verification.

Modules: :mod:`~textkit.run.cli` (the ``textkit`` command), :mod:`~textkit.run.pipeline`
(``reproduce``: raw corpus -> tables -> executed notebooks -> figures, staged and swapped in
atomically), :mod:`~textkit.run.notebooks` (executing one notebook headless),
:mod:`~textkit.run.session` (:func:`start_notebook`, the preamble of every notebook),
:mod:`~textkit.run.verify` (regenerate in a scratch folder and compare at the stated
precision) and :mod:`~textkit.run.parallel` (one per-document stage by name over chunks,
locally or on Dask).
"""

from __future__ import annotations

from textkit.run.session import NotebookSession, start_notebook

__all__ = ["NotebookSession", "start_notebook"]
