"""What every part of lowering shares: the scope that resolves references and collects
diagnostics, templates (`~{ }` text), and the spellings of values as the user wrote them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import expr, ir, rules, spec
from ..diagnostics import Rule
from ..refs import Scope, SpanAt, resolve
from .site import Site

_DURATION = re.compile(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?")
MAX_SECONDS = 30 * 24 * 3600


@dataclass
class Context:
    """One lowering run: the scope (names, the task being lowered, diagnostics) and the pipeline-wide
    facts tasks are checked against."""

    scope: Scope
    producers: dict[str, tuple[str, str]]  # artifact -> (producing task, its path)
    cache_names: frozenset[str]
    sidecars: tuple[str, ...] = field(default=())  # the sidecars of the task being lowered
    checkouts: frozenset[str] = frozenset()  # the `uses: checkout` tasks
    groups: frozenset[str] = frozenset()  # `spec.groups`

    def report(self, rule: Rule, site: Site, message: str, hint: str | None = None) -> None:
        self.scope.report(rule, site.span, message, hint)

    def scan(self, text: str, site: Site) -> list[expr.Piece]:
        """The text's literal pieces and references; a syntax error is reported, and yields none."""
        try:
            return expr.scan(text)
        except expr.ExprError as exc:
            self.scope.report(rules.EXPRESSION_SYNTAX, site.offset(exc.start, exc.end - exc.start), exc.message,
                              exc.hint)
            return []

    def template(self, text: str, site: Site, allow_list: bool = False) -> ir.Template:
        """A string with references resolved; array values only where `allow_list`."""
        parts: list[str | ir.Ref] = []
        for piece in self.scan(text, site):
            if isinstance(piece, str):
                parts.append(piece)
                continue
            ref = resolve(self.scope, piece, site.offset(piece.start, piece.end - piece.start))
            if ref is not None:
                parts.append(ref)
        template = ir.Template(tuple(parts), site.span)
        self.check_scalar_use(template, allow_list)
        return template

    def check_scalar_use(self, template: ir.Template, allow_list: bool, in_script: bool = False) -> None:
        """A list (array param, matrix results) only as the whole value of an env var."""
        whole = template.single_ref is not None
        for ref in template.refs:
            if isinstance(ref, ir.ParamRef) and ref.type is ir.ParamType.ARRAY and not (allow_list and whole):
                self.scope.report(rules.TYPE_MISMATCH, ref.span,
                                  f"param '{ref.name}' is an array: it can be a matrix axis, or the whole "
                                  "value of an env var (as a JSON list), not part of a text",
                                  _list_hint(f"params.{ref.name}", allow_list, in_script))
            elif isinstance(ref, ir.ResultRef) and ref.as_list and not (allow_list and whole):
                self.scope.report(rules.TYPE_MISMATCH, ref.span,
                                  f"'{ref.task}' runs as a matrix, so '{ref.result}' is a JSON list; it "
                                  "can only be the whole value of an env var",
                                  _list_hint(f"tasks.{ref.task}.results.{ref.result}", allow_list, in_script))

    def seconds(self, value: int | str | None, site: Site) -> int | None:
        """A duration (`1200`, `20m`, `1h30m`) in seconds, between 1 second and 30 days."""
        if value is None:
            return None
        if isinstance(value, str):
            m = _DURATION.fullmatch(value.strip())
            h, mins, sec = (int(g) if g else 0 for g in m.groups()) if m else (0, 0, 0)
            value = h * 3600 + mins * 60 + sec
        if not 0 < value <= MAX_SECONDS:
            self.report(rules.WRONG_TYPE, site, f"a duration must be between 1 second and 30 days, not {value}s")
            return None
        return value


def as_written(value: object, site: Site) -> str:
    """A number in a text field, as the user wrote it (`0755` stays `0755`, `0.5` stays `0.5`)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return site.source_text or str(value)


def offsets(site: Site) -> SpanAt:
    """Offsets in the string at `site` -> spans (for the condition parser)."""
    return lambda start, end: site.offset(start, end - start)


def producers(body: spec.PipelineSpec) -> dict[str, tuple[str, str]]:
    """Artifact -> the first main task that produces it, and the path it produces it at."""
    found: dict[str, tuple[str, str]] = {}
    for t in body.tasks:
        if t.uses == "checkout":  # its files: the artifact named after it
            found.setdefault(t.name, (t.name, (t.with_ or spec.Checkout.model_validate({})).path))
        for a in t.produces:
            found.setdefault(a.name, (t.name, a.path))
    return found


def _list_hint(ref: str, in_env: bool, in_script: bool) -> str:
    """How to use a list where text was written: as one env var's whole value, read in a script."""
    if in_env:
        return f"make '~{{ {ref} }}' the whole value of the env var, and split the JSON list in the script"
    where = "the script" if in_script else "a `run` script (e.g. with jq), instead of `command`/`args`"
    return f"put it in env as the whole value, `env: {{ITEMS: '~{{ {ref} }}'}}`, and read the JSON list in {where}"
