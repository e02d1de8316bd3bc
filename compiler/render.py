"""Diagnostics as text: one Diagnostic type, several renderings (as ruff and actionlint do)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from .diagnostics import Diagnostic


def concise(d: Diagnostic, sources: Mapping[str, str]) -> str:
    """`file:line:col: error: message; hint [SS010]`: one greppable line."""
    hint = f"; {d.hint}" if d.hint else ""
    return f"{d.span.file}:{d.span.line}:{d.span.col}: {d.severity.value}: {d.message}{hint} [{d.rule.code}]"


def full(d: Diagnostic, sources: Mapping[str, str]) -> str:
    """The concise facts plus the source line with the range underlined, and `help:`."""
    s = d.span
    lines = [f"{d.severity.value}[{d.rule.code}]: {d.message}", f" --> {s.file}:{s.line}:{s.col}"]
    text = sources.get(s.file, "").split("\n")
    if 0 < s.line <= len(text):
        gutter = " " * len(str(s.line))
        source = text[s.line - 1]
        width = max(1, (s.end_col if s.end_line == s.line else len(source) + 1) - s.col)
        lines += [f"{gutter} |", f"{s.line} | {source}", f"{gutter} | {' ' * (s.col - 1)}{'^' * width}"]
    if d.hint:
        lines.append(f"  = help: {d.hint}")
    return "\n".join(lines) + "\n"


def github(d: Diagnostic, sources: Mapping[str, str]) -> str:
    """A GitHub Actions workflow command, so CI shows the error on the spec's line."""
    s = d.span
    level = "error" if d.severity.value == "error" else "warning"
    message = d.message + (f" ({d.hint})" if d.hint else "")
    return (f"::{level} file={_property(s.file)},line={s.line},col={s.col},endLine={s.end_line},"
            f"endColumn={s.end_col},title={d.rule.code} {d.rule.name}::{_data(message)}")


def _data(text: str) -> str:
    """Escapes of a workflow command's message (actions/toolkit `escapeData`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escapes of a workflow command's property value (actions/toolkit `escapeProperty`)."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def as_json(d: Diagnostic, sources: Mapping[str, str]) -> str:
    s = d.span
    return json.dumps({
        "file": s.file, "line": s.line, "column": s.col, "endLine": s.end_line, "endColumn": s.end_col,
        "severity": d.severity.value, "code": d.rule.code, "rule": d.rule.name,
        "message": d.message, "hint": d.hint,
    }, sort_keys=False)


FORMATS: dict[str, Callable[[Diagnostic, Mapping[str, str]], str]] = {
    "concise": concise, "full": full, "github": github, "json": as_json,
}
