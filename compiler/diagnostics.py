"""Positions and diagnostics shared by every layer: flat values, sorted and rendered once by the CLI."""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A range in a spec file: 1-based line and column; the end is exclusive."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def at_offset(self, start: int, length: int) -> Span:
        """The span of `length` characters `start` characters into a one-line scalar."""
        return Span(self.file, self.line, self.col + start, self.line, self.col + start + length)


UNKNOWN_SPAN = Span("<unknown>", 1, 1, 1, 1)


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Rule:
    code: str  # "SS102"
    name: str  # "dependency-cycle": describes the problem, reads well after "allow"
    summary: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    span: Span
    severity: Severity
    rule: Rule
    message: str  # what is wrong, a statement of fact
    hint: str | None = None  # what to do, an imperative; rendered as "help:"

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.span.file, self.span.line, self.span.col, self.rule.code, self.message)


def error(rule: Rule, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(span, Severity.ERROR, rule, message, hint)


def warning(rule: Rule, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    return Diagnostic(span, Severity.WARNING, rule, message, hint)


def sort_unique(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Sorted by position, duplicates removed, as actionlint's compareErrors does."""
    return sorted(set(diagnostics), key=lambda d: d.sort_key)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity is Severity.ERROR for d in diagnostics)


class SpecError(Exception):
    """Raised by a layer that cannot go on; carries every diagnostic found so far."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__(f"{len(diagnostics)} diagnostics")
        self.diagnostics = diagnostics
