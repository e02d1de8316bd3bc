"""Declared but never read: params and task results nobody uses (warnings)."""

from __future__ import annotations

from collections.abc import Iterator

from .. import ir, rules
from ..diagnostics import Diagnostic, warning

RULES = (rules.UNUSED_PARAM, rules.UNUSED_RESULT)

ADVISORY = True  # skipped once an error is known


def check(pipeline: ir.Pipeline) -> Iterator[Diagnostic]:
    used = set(pipeline.refs())
    params = {r.name for r in used if isinstance(r, ir.ParamRef)}
    results = {(r.task, r.result) for r in used if isinstance(r, ir.ResultRef)}
    for param in pipeline.params:
        if param.name not in params:
            yield warning(rules.UNUSED_PARAM, param.span, f"param '{param.name}' is never used",
                          "remove it, or read it with ~{ params." + param.name + " }")
    for task in pipeline.all_tasks:
        for result in () if task.checkout else task.results:  # a checkout's are built in, not declared
            if (task.name, result.name) not in results and not result.optional:
                yield warning(rules.UNUSED_RESULT, result.span,
                              f"result '{result.name}' of task '{task.name}' is never read",
                              "remove it, or read it with ~{ tasks." + task.name + ".results."
                              + result.name + " }")
