"""Knows no stage: configuration, atomic writes, paths, progress, the stage cache, the precision contract, the association statistics (G²) and the date forms the stages share."""

from __future__ import annotations
