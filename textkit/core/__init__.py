"""Knows no stage: configuration, atomic writes, paths, progress, the stage cache, the precision contract, and the association statistics (G²) the stages share."""

from __future__ import annotations
