"""What starts a run (`spec.triggers`): pushes, pull requests, schedules, by hand, a call."""

from __future__ import annotations

from .. import ir, rules, spec
from .context import Context
from .site import Site


def triggers(ctx: Context, t: spec.Triggers | None, site: Site) -> ir.Triggers:
    """Without `triggers`, a run is started by hand or called, as before there were triggers."""
    if t is None:
        return ir.Triggers()
    push = _push(ctx, t.push, site / "push") if t.push is not None else None
    pr = _pull_request(ctx, t.pull_request, site / "pullRequest") if t.pull_request is not None else None
    schedules = tuple(ir.Schedule(" ".join(s.cron.split()), s.timezone, (site / "schedule" / i).span)
                      for i, s in enumerate(t.schedule))
    if not (push or pr or schedules or t.manual or t.call):
        ctx.report(rules.MISSING_FIELD, site, "nothing can start this pipeline: no push, pull request or schedule, "
                   "and `manual` and `call` are false", "add a trigger, or set `manual: true`")
    return ir.Triggers(push, pr, schedules, t.manual, t.call, t.approximate, site.span)


def _push(ctx: Context, p: spec.PushTrigger, site: Site) -> ir.PushTrigger:
    _exclusive(ctx, site, "branches", p.branches, p.branches_ignore)
    _exclusive(ctx, site, "tags", p.tags, p.tags_ignore)
    _exclusive(ctx, site, "paths", p.paths, p.paths_ignore)
    return ir.PushTrigger(tuple(p.branches), tuple(p.branches_ignore), tuple(p.tags), tuple(p.tags_ignore),
                          tuple(p.paths), tuple(p.paths_ignore), site.span)


def _pull_request(ctx: Context, p: spec.PullRequestTrigger, site: Site) -> ir.PullRequestTrigger:
    _exclusive(ctx, site, "branches", p.branches, p.branches_ignore)
    _exclusive(ctx, site, "paths", p.paths, p.paths_ignore)
    types = tuple(dict.fromkeys(p.types)) or ir.DEFAULT_PR_TYPES
    return ir.PullRequestTrigger(tuple(p.branches), tuple(p.branches_ignore), types, tuple(p.paths),
                                 tuple(p.paths_ignore), site.span)


def _exclusive(ctx: Context, site: Site, field: str, include: list[str], ignore: list[str]) -> None:
    """GitHub takes either a filter or its `-ignore` form, never both; write `!pattern` in the list instead."""
    if include and ignore:
        camel = field + "Ignore"
        ctx.report(rules.WRONG_TYPE, site / camel, f"`{field}` and `{camel}` cannot both be set",
                   f"keep `{field}` and exclude with a `!pattern` in it")
