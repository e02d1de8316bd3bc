"""Which spec fields are templates: `~{ }` works in a task's run, when, command, args and env, in a
matrix axis written as one `~{ params.NAME }`, and in pipeline result values. A `~{` anywhere else
would reach the engines unresolved, so it is an error (SS304) instead."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import expr, rules
from .diagnostics import Diagnostic, error
from .loader import Document, Loc

_NATIVE_INPUTS = {("uses", "github", "with", str), ("uses", "tekton", "params", str),
                  ("uses", "argo", "arguments", str)}
_STEP_FIELDS = {("run",), ("command", int), ("args", int), ("env", str), *_NATIVE_INPUTS}
_TASK_EXPRESSION_FIELDS = {("run",), ("when",), ("command", int), ("args", int), ("env", str), ("matrix", "axes", str),
                           ("with", "repository"), ("with", "ref"), *_NATIVE_INPUTS,
                           *(("steps", int, *field) for field in _STEP_FIELDS)}
_PLACES = ("expressions work in a task's run, when, command, args and env, in a matrix axis written as one "
           "~{ params.NAME }, in a checkout's repository and ref, in a native unit's inputs, in steps as in "
           "tasks, in pipeline result values and in the concurrency group")


def _takes_expressions(loc: Loc) -> bool:
    """Whether the string at `loc` is read as a template: run, when, command, args, env values,
    matrix axes and pipeline result values. Everything else is literal text."""
    if loc == ("spec", "concurrency", "group"):
        return True
    if loc[:1] != ("spec",) or len(loc) < 3:
        return False
    if loc[1] == "results":
        return loc[3:] == ("value",)
    if loc[1] in ("defaults", "groups"):  # task fields said once (defaults.py)
        field_path = loc[2:] if loc[1] == "defaults" else loc[3:]
        return any(_fits(field_path, pattern) for pattern in _TASK_EXPRESSION_FIELDS)
    if loc[1] not in ("tasks", "finally"):
        return False
    return any(_fits(loc[3:], pattern) for pattern in _TASK_EXPRESSION_FIELDS)


def _fits(path: Loc, pattern: tuple[str | type, ...]) -> bool:
    """`("env", "ref")` fits `("env", str)`: a word is a key, a type any key of that type."""
    return len(path) == len(pattern) and all(
        p == want if isinstance(want, str) else isinstance(p, want) for p, want in zip(path, pattern, strict=True))


def expressions_out_of_place(doc: Document) -> Iterator[Diagnostic]:
    for loc in doc.values:
        value = _string_at(doc.data, loc)
        if value is None or _takes_expressions(loc):
            continue
        start = _unescaped_open(value)
        if start >= 0:
            names = [str(p) for p in loc if not isinstance(p, int)]
            field = ".".join(names[2:] if names[:2] in (["spec", "tasks"], ["spec", "finally"]) else names)
            yield error(rules.EXPRESSION_NOT_ALLOWED, doc.offset_span(loc, start, 2),
                        f"`{field}` takes plain text, not a ~{{ }} expression", _PLACES)


def _string_at(data: Any, loc: Loc) -> str | None:
    for part in loc:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int):
            data = data[part]
        else:
            return None
    return data if isinstance(data, str) else None


def _unescaped_open(text: str) -> int:
    i = text.find(expr.OPEN)
    while i > 0 and text[i - 1] == "~":
        i = text.find(expr.OPEN, i + 1)
    return i
