"""Params, pipeline results and the concurrency group: typed defaults, and text over references."""

from __future__ import annotations

import json

from .. import ir, rules, spec
from .context import Context, as_written
from .site import Site

PARAM_TYPES = {t.value: t for t in ir.ParamType}


def param(ctx: Context, p: spec.Param, site: Site) -> ir.Param:
    kind = PARAM_TYPES[p.type]
    return ir.Param(p.name, kind, _default(ctx, p, kind, site / "default"), p.description, (site / "name").span)


def _default(ctx: Context, p: spec.Param, kind: ir.ParamType, site: Site) -> ir.Scalar | tuple[str, ...] | None:
    value = p.default
    if value is None:
        return None
    ok = {
        ir.ParamType.STRING: isinstance(value, str | int) and not isinstance(value, bool),
        ir.ParamType.BOOL: isinstance(value, bool),
        ir.ParamType.INT: isinstance(value, int) and not isinstance(value, bool),
        ir.ParamType.ARRAY: isinstance(value, list),
    }[kind]
    if not ok:
        ctx.report(rules.TYPE_MISMATCH, site, f"default {json.dumps(value)} does not fit param type '{kind.value}'",
                   "change the default or the type")
        return None
    if kind is ir.ParamType.STRING:
        return as_written(value, site)
    return tuple(value) if isinstance(value, list) else value


def pipeline_result(ctx: Context, r: spec.PipelineResult, site: Site) -> ir.PipelineResult:
    ctx.scope.task = None
    ctx.scope.axes = ()
    value = ctx.template(r.value, site / "value")
    return ir.PipelineResult(r.name, value, r.description, (site / "name").span)


def concurrency(ctx: Context, c: spec.Concurrency | None, site: Site) -> ir.Concurrency | None:
    """The group is decided before any task runs: params and the run's context only."""
    if c is None:
        return None
    ctx.scope.task = None
    ctx.scope.axes = ()
    group = ctx.template(c.group, site / "group")
    for ref in group.refs:
        if not isinstance(ref, ir.ParamRef | ir.RunRef):
            ctx.scope.report(rules.UNKNOWN_REFERENCE, ref.span, f"'{ir.ref_text(ref)}' is not known before the run "
                             "starts, when its concurrency group is decided", "use params and run.* fields")
    return ir.Concurrency(group, c.cancel_in_progress, site.span)
