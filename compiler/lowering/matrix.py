"""A task's matrix: axes of literal values (numbers kept as written), one array param, or the result of
an upstream task holding a JSON list (a dynamic matrix); `include` adds combinations, `exclude` drops them."""

from __future__ import annotations

from .. import expr, ir, rules, spec
from ..refs import did_you_mean, resolve
from .context import Context, as_written
from .site import Site


def matrix(ctx: Context, m: spec.Matrix | None, site: Site) -> ir.Matrix | None:
    if m is None:
        return None
    axes = tuple(_axis(ctx, name, values, site / "axes" / name) for name, values in m.axes.items())
    include = tuple(_combination(ctx, c, m, site / "include" / i, full=True) for i, c in enumerate(m.include))
    exclude = tuple(_combination(ctx, c, m, site / "exclude" / i) for i, c in enumerate(m.exclude))
    return ir.Matrix(axes, m.max_parallel, site.span, include, exclude)


def _combination(ctx: Context, c: dict[str, str | int | bool], m: spec.Matrix, site: Site,
                 full: bool = False) -> ir.Combination:
    missing = [name for name in m.axes if name not in c]
    if full and missing:
        ctx.report(rules.MISSING_FIELD, site, f"an included combination gives every axis; this one lacks "
                   f"{', '.join(missing)}", "add a value for each axis")
    for name in c:
        if name not in m.axes:
            ctx.report(rules.UNKNOWN_REFERENCE, site / name, f"the matrix has no axis '{name}'",
                       did_you_mean(name, m.axes) or "name one of the axes")
    return tuple((name, v if isinstance(v, bool) else as_written(v, site / name)) for name, v in c.items())


def _axis(ctx: Context, name: str, values: list[str | int | bool] | str, site: Site) -> ir.MatrixAxis:
    span = site.key_span
    if isinstance(values, list):
        written = tuple(v if isinstance(v, bool) or not isinstance(v, int) or _plain_int(site / i, v)
                        else as_written(v, site / i) for i, v in enumerate(values))
        return ir.MatrixAxis(name, written, span)
    pieces = ctx.scan(values, site)
    if len(pieces) == 1 and isinstance(pieces[0], expr.RawRef):
        piece = pieces[0]
        ref = resolve(ctx.scope, piece, site.offset(piece.start, piece.end - piece.start))
        if isinstance(ref, ir.ParamRef) and ref.type is ir.ParamType.ARRAY:
            return ir.MatrixAxis(name, ref, span)
        if isinstance(ref, ir.ResultRef) and not ref.as_list:
            return ir.MatrixAxis(name, ref, span)  # a JSON list the upstream task writes
        if ref is None:
            return ir.MatrixAxis(name, (), span)
    ctx.report(rules.TYPE_MISMATCH, site, f"matrix axis '{name}' needs a list of values, an array param "
               "or a task's result", "write `[a, b]`, `~{ params.NAME }` with a param of type array, or "
               "`~{ tasks.T.results.R }` whose value is a JSON list")
    return ir.MatrixAxis(name, (), span)


def _plain_int(site: Site, value: int) -> bool:
    """Whether an int was written as itself (`10`), not as `010` or `0x10`, which stay text."""
    return site.source_text in (None, str(value))
