"""Where files land in a task's container: two things at one path cannot both be mounted there."""

from __future__ import annotations

from collections.abc import Iterator

from .. import ir, rules
from ..diagnostics import Diagnostic, Span, error

RULES = (rules.DUPLICATE_NAME,)
ADVISORY = False


def check(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    for task in pipeline.all_tasks:
        yield from _paths(task)
        yield from _consumed_twice(task)


def _mounts(task: ir.Task) -> Iterator[tuple[str, str, Span]]:
    yield from ((a.path, f"artifact '{a.name}'", a.span) for a in task.produces)
    yield from ((a.path, f"artifact '{a.name}'", a.span) for a in task.consumes)
    yield from ((c.path, f"cache '{c.cache}'", c.span) for c in task.caches)
    yield from ((f.path, f"secret file {f.secret.secret}/{f.secret.key}", f.span) for f in task.secret_files)


def _paths(task: ir.Task) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for path, what, span in _mounts(task):
        normal = path.rstrip("/") or "/"
        first = seen.setdefault(normal, what)
        if first != what:
            yield error(rules.DUPLICATE_NAME, span, f"{what} and {first} are both placed at {normal}",
                        "give each its own path")


def _consumed_twice(task: ir.Task) -> Iterator[Diagnostic]:
    seen: set[str] = set()
    for art in task.consumes:
        if art.name in seen:
            yield error(rules.DUPLICATE_NAME, art.span, f"task '{task.name}' consumes artifact '{art.name}' twice",
                        "consume it once, at one path")
        seen.add(art.name)
