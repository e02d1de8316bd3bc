"""The GITHUB_TOKEN of each job: nothing unless granted (least privilege).

The workflow says `permissions: {}`; a job's own `permissions` replaces it whole, so each job gets
exactly the union of what the pipeline grants every job and what its task asks for, plus, on a main
job, the `actions: write` its last step needs to stop the run after a failure (failfast.py), on a
task with `oidc` `id-token: write` (oidc.py), and on a job that runs actions/checkout with the
platform token `contents: read` (checkout.py).
A grant keeps the level written, except that `actions` on a main job is at least `write`.
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from ..yamlout import Commented
from . import failfast

_ORDER = {"none": 0, "read": 1, "write": 2}


OIDC = {"id-token": Commented("write", "the task's OIDC identity token (oidc.py)")}
"""What a task with `oidc` needs, on its own job only: the runner then serves it an identity token."""

CHECKOUT = {"contents": Commented("read", "actions/checkout clones with the job's token")}
"""What actions/checkout needs of the platform token (used when a checkout names no token)."""


def job_permissions(task: ir.Task, p: ir.Pipeline, fail_fast: bool = True) -> dict[str, Any] | None:
    """The job's `permissions`, in scope order; None when it needs none (the workflow's `{}` holds).
    `fail_fast`: the job has the step that cancels the run (a job calling a workflow has no steps)."""
    granted: dict[str, Any] = dict(p.permissions)
    granted.update(task.permissions)
    if task.oidc is not None:
        granted.update(OIDC)
    if any(c.token is None for c in _checkouts(task, p)):
        for scope, level in CHECKOUT.items():
            if _ORDER[str(granted.get(scope, "none"))] < _ORDER[str(level)]:
                granted[scope] = level
    if fail_fast and not task.is_finally:
        for scope, level in failfast.PERMISSIONS.items():
            if _ORDER[str(granted.get(scope, "none"))] <= _ORDER[str(level)]:
                granted[scope] = level
    return {scope: granted[scope] for scope in sorted(granted)} or None


def environment(env: ir.Environment) -> str | dict[str, str]:
    """`environment: NAME`, or `{name, url}` when the spec gives the deployment's URL."""
    return env.name if env.url is None else {"name": env.name, "url": env.url}



def _checkouts(task: ir.Task, p: ir.Pipeline) -> list[ir.Checkout]:
    """The checkouts the job runs actions/checkout for: its own, and each it consumes."""
    found = [c for c in (p.checkout_of(a) for a in task.consumes) if c is not None]
    return [task.checkout, *found] if task.checkout is not None else found
