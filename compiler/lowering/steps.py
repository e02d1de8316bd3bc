"""`steps:`: a task as steps in one container filesystem, each a script, an argv or a native unit.

A step with both a native unit and a script runs the unit on the engines it names and the script
(its portable body) on the others: how blocks give GitHub its official actions and the Kubernetes
engines a container step.

A step's references travel as a task's do: through env vars of the step (`shell`), never spliced.
"""

from __future__ import annotations

from .. import ir, rules, spec
from ..diagnostics import UNKNOWN_SPAN
from .context import Context
from .env import env_var
from .native import native
from .shell import argv_templates, script
from .site import Site


def steps(ctx: Context, t: spec.Task, site: Site) -> tuple[ir.Step, ...]:
    names: set[str] = set()
    out = []
    for i, s in enumerate(t.steps):
        at = site / "steps" / i
        if s.name in names:
            ctx.report(rules.DUPLICATE_NAME, at / "name", f"task '{t.name}' has two steps named '{s.name}'",
                       "give each step its own name")
        names.add(s.name)
        out.append(_step(ctx, t, s, at))
    return tuple(out)


def _step(ctx: Context, t: spec.Task, s: spec.Step, site: Site) -> ir.Step:
    env = [env_var(ctx, name, value, site / "env" / name) for name, value in s.env.items()]
    if s.run is None and not s.command and s.uses is None:
        ctx.report(rules.MISSING_FIELD, site / "name", f"step '{s.name}' has nothing to run",
                   "give it a script (`run:`), an argv (`command:`) or a native unit (`uses:`)")
    if s.run is not None and s.command:
        ctx.report(rules.WRONG_TYPE, site / "name", f"step '{s.name}' has both `run` and `command`",
                   "keep one of them")
    if s.run is not None and s.args:
        ctx.report(rules.WRONG_TYPE, site / "args", "`args` go with `command`, not with `run`",
                   "pass values to the script through `env`")
    portable = s.run is not None or bool(s.command)
    image = s.image or t.image or ""
    if not image and portable:
        ctx.report(rules.MISSING_FIELD, site, f"step '{s.name}' has no image, nor has task '{t.name}'",
                   "give the task an `image:` for all its steps, or this step one")
    body, anchors = script(ctx, s.run, site / "run", env) if s.run is not None else (None, ())
    command, args = argv_templates(ctx, s, site, env)
    return ir.Step(
        name=s.name,
        image=image if portable else "",
        script=body,
        command=command,
        args=args,
        native=native(ctx, s.uses, site / "uses") if s.uses is not None else None,
        env=tuple(env),
        always=s.always,
        continue_on_error=s.continue_on_error,
        timeout_s=ctx.seconds(s.timeout, site / "timeout"),
        span=(site / "name").span,
        image_span=(site / "image").span if s.image else (site.span if not t.image else UNKNOWN_SPAN),
        script_anchors=anchors,
    )
