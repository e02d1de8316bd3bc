"""Semantic checks on the IR. Each module exports `check(pipeline) -> Iterator[Diagnostic]`.

ALL_CHECKS is the one registry: a literal tuple, run in order, each check independent.
"""

from __future__ import annotations

from . import graph, images, mounts, names, security, usage

ALL_CHECKS = (graph, names, mounts, security, images, usage)
