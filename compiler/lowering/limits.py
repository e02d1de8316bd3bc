"""How long and how often a task may run: retries with backoff (timeouts are `Context.seconds`)."""

from __future__ import annotations

from .. import ir, rules, spec
from .context import Context
from .site import Site


def retry(ctx: Context, value: int | spec.Retries | None, site: Site) -> ir.Retry | None:
    if value is None:
        return None
    if isinstance(value, int):
        return ir.Retry(value, None, site.span)
    backoff = None
    if value.backoff is not None:
        b = value.backoff
        duration = ctx.seconds(b.duration, site / "backoff" / "duration") or 0
        cap = ctx.seconds(b.max_duration, site / "backoff" / "maxDuration")
        if cap is not None and cap < duration:
            ctx.report(rules.WRONG_TYPE, site / "backoff" / "maxDuration",
                       "maxDuration is shorter than the first backoff duration")
        backoff = ir.Backoff(duration, b.factor, cap)
    return ir.Retry(value.limit, backoff, site.span)
