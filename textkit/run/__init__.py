"""The run: command line, pipeline, notebook execution, verification."""

from __future__ import annotations

