"""A task's `steps` on GitHub: the job's own steps, in order, between our helper steps.

- A script step is `run:` (`sh -e`) with the task's env and its own; an argv step in the task's
  image `exec`s its argv (every word single-quoted, references `"${VAR}"` of step env vars).
- Where the job runs (layout.mode): in a job container of the task's image when every step GitHub
  runs is in that image; on the runner itself with `github.container: false` (setup actions provide
  the tools; a step in another image is a `docker run` there, with the task's paths mounted); else
  on the host, each step a `docker run` of its image (docker.py) with the task's paths and its
  working dir (`/workspace` without one) mounted: those are what the steps share, not the rest of
  each image's file system (checks.py warns).
- A step with a GitHub action (`native.github`) runs the action (native.py), whatever its body.
- `always`: `if: ${{ !cancelled() }}`, so the step runs after an earlier step failed but not when
  the run is cancelled (`always()` would run it then too). `continueOnError`:
  `continue-on-error: true`, so the steps after it run as after a success. `timeout`:
  `timeout-minutes`, rounded up to whole minutes.
- A step with nothing for GitHub (no body, no GitHub action) is skipped when its native unit says
  `otherwise: skip`, else an SS501 (checks.py).
"""

from __future__ import annotations

import math
from typing import Any

from ...compiler import ir
from . import expr as gx
from . import native
from .docker import SCRIPT_ENV, run_command
from .layout import Place
from .shell import template_word

Step = dict[str, Any]

SHELL = "sh -e {0}"


def runs_here(task: ir.Task, step: ir.Step, place: Place) -> bool:
    """Does a portable step run in the job's own shell (rather than `docker run` of its image)?"""
    if step.script is None and not step.command:
        return False
    return not place.host or (not place.mapped and step.image == task.image)


def task_steps(task: ir.Task, env: dict[str, str], scope: gx.Scope, place: Place,
               docker_names: list[str], docker_env: dict[str, str]) -> list[Step]:
    """The job steps of `task.steps`; `env` is the task's rendered env, `docker_names` what a
    `docker run` passes by name and `docker_env` the host step env it reads them from."""
    out = []
    taken = set(RESERVED_IDS)
    for s in task.steps:
        step = _step(task, s, env, scope, place, docker_names, docker_env)
        if step is not None:
            if "id" in step:
                step["id"] = _unique(step["id"], taken)
            out.append(step)
    return out


RESERVED_IDS = ("results", "run-context", "checkout", "native")
"""The ids of our own steps (published results, the short sha, a checkout, a native task's unit)."""


def _unique(id_: str, taken: set[str]) -> str:
    """A step id no other step of the job has (ids ignore case); a user's step may be named like ours."""
    candidate, n = id_, 1
    while candidate.lower() in taken or candidate in RESERVED_IDS:
        n += 1
        candidate = f"{id_}-{n}"
    taken.add(candidate.lower())
    return candidate


def _step(task: ir.Task, s: ir.Step, env: dict[str, str], scope: gx.Scope, place: Place,
          docker_names: list[str], docker_env: dict[str, str]) -> Step | None:
    own = {e.name: _env_value(e.value, scope) for e in s.env}
    for t in (*s.command, *s.args):
        for r in t.refs:
            own.setdefault(ir.env_name(r), gx.template(ir.Template((r,)), scope))
    if s.native is not None and s.native.github is not None:
        step = native.action_step(s.name, s.native.github, scope, native.step_id(s.name))
        if env or own:
            step["env"] = env | own
    elif s.script is None and not s.command and not s.args:
        return None  # nothing for GitHub: skipped (`otherwise: skip`) or an SS501 (checks.py)
    elif runs_here(task, s, place):
        body = s.script if s.script is not None else "exec " + " ".join(template_word(t) for t in (*s.command, *s.args))
        step = {"name": gx.escape(s.name), "run": gx.escape(body), "shell": SHELL}
        workdir = place.task_path(task.working_dir) if task.working_dir else None
        if workdir is not None and not workdir.is_root:
            step["working-directory"] = workdir.field
        if env or own:
            step["env"] = env | own
    else:
        names = docker_names + [e.name for e in s.env]
        step_env = docker_env | own
        if s.script is not None:
            step_env[SCRIPT_ENV] = gx.escape(s.script)
        step = {"name": gx.escape(s.name), "run": gx.escape(run_command(task, names, s, place)), "shell": SHELL,
                "env": step_env}
    return _settings(s, step)


def _settings(s: ir.Step, step: Step) -> Step:
    """`if`, `continue-on-error` and `timeout-minutes`, placed after the name as GitHub users write them."""
    head: Step = {"name": step.pop("name")}
    if "id" in step:
        head["id"] = step.pop("id")
    if s.always:
        head["if"] = gx.wrap("!cancelled()")
    if s.continue_on_error:
        head["continue-on-error"] = True
    if s.timeout_s:
        head["timeout-minutes"] = math.ceil(s.timeout_s / 60)
    return head | step


def _env_value(value: ir.Template | ir.SecretRef, scope: gx.Scope) -> str:
    if isinstance(value, ir.SecretRef):
        return gx.wrap(gx.prop("secrets", value.github_name))
    return gx.template(value, scope)
