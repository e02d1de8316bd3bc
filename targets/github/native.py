"""Native units on GitHub: an action, pinned by commit, as a step with `with:` inputs.

- `uses: owner/repo[/path]@<sha> # <tag>`: the spec pins the full commit (the IR refuses a tag), and
  the tag is the end-of-line comment, as zizmor's unpinned-uses asks.
- Inputs are expressions in `with:` (expr.py `template`): a value reaches the action through its own
  inputs, never a `run:` text.
- The step has an `id`, so its outputs can be read: a native task's job outputs are
  `steps.<id>.outputs.<name>` (the task's results, read downstream as `needs.T.outputs.X`).
- A native task's job runs on the runner (layout.RUNNER): no container of ours, what the action
  needs it sets up itself. The files it consumes are restored first (a checkout is cloned at the
  checkout job's commit); the task's working dir (the checkout's path when it consumes one) is the
  GitHub workspace, where an action resolves its relative paths.
"""

from __future__ import annotations

import re
from typing import Any

from ...compiler import ir
from ..yamlout import Commented
from . import expr as gx

NATIVE_STEP = "native"
"""The id of a native task's action step (its outputs are the job's)."""

_NOT_ID = re.compile(r"[^A-Za-z0-9_-]")


def step_id(name: str) -> str:
    """A step id from a step name: GitHub's ids start with a letter or `_` and hold `[A-Za-z0-9_-]`."""
    text = _NOT_ID.sub("-", name)
    return text if gx.is_identifier(text) else "step-" + text


def uses(action: ir.GitHubAction) -> Commented | str:
    ref = f"{action.action}@{action.sha}"
    return Commented(ref, action.version) if action.version else ref


def action_step(name: str, action: ir.GitHubAction, scope: gx.Scope, id_: str) -> dict[str, Any]:
    """The action's step; `with:` in the spec's order, every value an expression template."""
    step: dict[str, Any] = {"name": gx.escape(name), "id": id_, "uses": uses(action)}
    if action.inputs:
        step["with"] = {key: gx.template(value, scope) for key, value in action.inputs}
    return step


def job_outputs(task: ir.Task) -> dict[str, str]:
    """A native task's results: its action step's outputs."""
    return {r.name: gx.wrap(gx.prop(f"steps.{NATIVE_STEP}.outputs", r.name)) for r in task.results}


_WORKFLOW = re.compile(r"^[^/]+/[^/]+/\.github/workflows/[^/]+\.ya?ml$")


def is_reusable_workflow(action: ir.GitHubAction) -> bool:
    """`owner/repo/.github/workflows/x.yml@sha`: another pipeline, called as a job, not a step."""
    return bool(_WORKFLOW.match(action.action))


def calling_job(action: ir.GitHubAction, scope: gx.Scope) -> dict[str, Any]:
    """The job keys that call a reusable workflow: `uses` and `with` (its outputs are then the job's,
    read as `needs.T.outputs.X`). No secrets are passed: `secrets: inherit` hands the callee every
    secret of this repository (zizmor's secrets-inherit), and the spec names none for the call."""
    job: dict[str, Any] = {"uses": uses(action)}
    if action.inputs:
        job["with"] = {key: gx.template(value, scope) for key, value in action.inputs}
    return job
