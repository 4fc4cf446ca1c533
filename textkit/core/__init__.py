"""Knows no stage: configuration, atomic writes, paths, progress, the stage cache, the precision contract."""

from __future__ import annotations
