"""`uses: {github, tekton, argo}`: a native unit of each engine, for a task or a step.

Inputs are templates (params, results, the run's context), handed to the unit's own inputs by each
backend, never into shell text. A GitHub action must be pinned to a full commit SHA: a tag or a
branch can be moved to other code after review (SS405).
"""

from __future__ import annotations

import re

from .. import ir, rules, spec
from .context import Context, as_written
from .site import Site

_SHA = re.compile(r"[0-9a-f]{40}")


NATIVE_TASK_REFUSES = ("image", "run", "command", "args", "steps", "env", "working_dir", "results", "produces",
                       "caches", "secret_files", "sidecars", "oidc")
"""A task that is one native unit runs no container of ours: what it runs and makes are the unit's."""


def refuse_fields(ctx: Context, t: spec.Task, site: Site, fields: tuple[str, ...], kind: str, hint: str) -> None:
    """Each field of `fields` the task has is an error at its own line."""
    for name in fields:
        if getattr(t, name):
            key = spec.Task.model_fields[name].alias or name
            ctx.report(rules.WRONG_TYPE, site / key, f"a {kind} task has no `{key}`", hint)


def native(ctx: Context, n: spec.Native, site: Site) -> ir.Native:
    for engine, names in n.output_names.items():
        for output in names:
            if output not in n.outputs:
                ctx.report(rules.UNKNOWN_REFERENCE, site / "outputNames" / engine / output,
                           f"'{output}' is not one of the unit's outputs", "list it under `outputs` first")
    if n.github is None and n.tekton is None and n.argo is None:
        ctx.report(rules.MISSING_FIELD, site, "a native unit needs an entry for at least one engine",
                   "add `github: {action: …}`, `tekton: {resolver: …}` or `argo: {name: …, template: …}`")
    return ir.Native(
        github=_github(ctx, n.github, site / "github") if n.github else None,
        tekton=_tekton(ctx, n.tekton, site / "tekton") if n.tekton else None,
        argo=_argo(ctx, n.argo, site / "argo") if n.argo else None,
        outputs=tuple(n.outputs),
        output_names=tuple((engine, output, name) for engine, names in n.output_names.items()
                           for output, name in names.items()),
        skip_elsewhere=n.otherwise == "skip",
        span=site.span,
    )


def _inputs(ctx: Context, values: dict[str, str | int | bool], site: Site) -> tuple[tuple[str, ir.Template], ...]:
    return tuple((name, ctx.template(as_written(v, site / name), site / name)) for name, v in values.items())


def _github(ctx: Context, g: spec.GitHubAction, site: Site) -> ir.GitHubAction:
    action, _, ref = g.action.rpartition("@")
    if not _SHA.fullmatch(ref):
        ctx.report(rules.UNPINNED_ACTION, site / "action", f"the action {action} is pinned to '{ref}', which "
                   "its owner can move to other code", f"pin the full commit SHA: `{action}@<40 hex digits>` "
                   f"and `version: {ref}` (e.g. from `git ls-remote https://github.com/{_repo(action)} {ref}`)")
    return ir.GitHubAction(action, ref, g.version, _inputs(ctx, g.with_, site / "with"), site.span)


def _repo(action: str) -> str:
    return "/".join(action.split("/")[:2])


def _tekton(ctx: Context, t: spec.TektonTaskRef, site: Site) -> ir.TektonRef:
    return ir.TektonRef(t.resolver, tuple(t.resource.items()), _inputs(ctx, t.params, site / "params"),
                        t.workspace, site.span)


def _argo(ctx: Context, a: spec.ArgoTemplateRef, site: Site) -> ir.ArgoTemplateRef:
    return ir.ArgoTemplateRef(a.name, a.template, a.cluster_scope, _inputs(ctx, a.arguments, site / "arguments"),
                              site.span)
