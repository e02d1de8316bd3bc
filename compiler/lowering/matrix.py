"""A task's matrix: axes of literal values (numbers kept as written) or one array param."""

from __future__ import annotations

from .. import expr, ir, rules, spec
from ..refs import resolve
from .context import Context, as_written
from .site import Site


def matrix(ctx: Context, m: spec.Matrix | None, site: Site) -> ir.Matrix | None:
    if m is None:
        return None
    axes = tuple(_axis(ctx, name, values, site / "axes" / name) for name, values in m.axes.items())
    return ir.Matrix(axes, m.max_parallel, site.span)


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
        if ref is None:
            return ir.MatrixAxis(name, (), span)
    ctx.report(rules.TYPE_MISMATCH, site, f"matrix axis '{name}' needs a list of values or an "
               "array param", "write `[a, b]` or `~{ params.NAME }` with a param of type array")
    return ir.MatrixAxis(name, (), span)


def _plain_int(site: Site, value: int) -> bool:
    """Whether an int was written as itself (`10`), not as `010` or `0x10`, which stay text."""
    return site.source_text in (None, str(value))
