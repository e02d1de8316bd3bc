"""Spec text -> checked IR: load, validate, lower, run every check. Knows no target."""

from __future__ import annotations

from dataclasses import dataclass

from . import ir
from .diagnostics import Diagnostic, SpecError, has_errors, sort_unique


@dataclass(frozen=True, slots=True)
class Frontend:
    """The IR (None when the spec could not be lowered) and every diagnostic, sorted."""

    pipeline: ir.Pipeline | None
    diagnostics: list[Diagnostic]

    @property
    def ok(self) -> bool:
        return self.pipeline is not None and not has_errors(self.diagnostics)


def compile_spec(text: str | bytes, file: str) -> Frontend:
    """Everything the compiler knows about one spec; never raises for bad input."""
    from pathlib import Path

    from . import blocks, defaults, templates
    from .checks import ALL_CHECKS, names
    from .loader import load
    from .lowering import lower
    from .parse import parse_spec

    try:
        doc = load(text, file)
    except SpecError as exc:
        return Frontend(None, sort_unique(exc.diagnostics))
    try:
        templates.apply(doc, Path(file).parent)
        defaults.apply(doc)
        if problems := blocks.expand(doc):
            raise SpecError(problems)
        model = parse_spec(doc)
    except SpecError as exc:  # the names are still checked: a structural error must not hide them
        return Frontend(None, sort_unique(exc.diagnostics + list(names.check_document(doc))))
    pipeline, diagnostics = lower(model, doc, file)
    for check in ALL_CHECKS:
        if check.ADVISORY and has_errors(diagnostics):
            continue  # "unused" warnings after an error are mostly echoes of that error
        diagnostics.extend(check.check(pipeline))
    return Frontend(pipeline, sort_unique(diagnostics))
