"""The workflow's `on:`: what starts a run, in GitHub's own key forms (docs.github.com, "Workflow
syntax for GitHub Actions", `on.<push|pull_request>.<branches|tags|paths>`; `on.schedule`).

- push: `branches`, `branches-ignore`, `tags`, `tags-ignore`, `paths`, `paths-ignore` as the spec
  writes them. GitHub's rule is the spec's: with only branch filters a push of a tag does not run,
  with only tag filters a push of a branch does not run, and with neither every push runs (paths
  then filter both). So the filters are written one to one.
  Path filters are not evaluated for pushes of tags ("Path filters are not evaluated for pushes of
  tags", same page): a tag push runs whatever it changed, so paths where tags can run (a tag filter,
  or no ref filter at all) are a warning.
- pull_request: target branches, `types` only when they differ from GitHub's default
  (opened, synchronize, reopened), paths. Never `pull_request_target`: a pull request from a fork
  runs with a read-only token and no secrets (zizmor's dangerous-triggers audit stays clean; zizmor
  1.32.0 finds nothing for push, pull_request and schedule with the jobs this backend writes).
- schedule: one `cron` entry per schedule. `timezone` is GitHub's (@actions/workflow-parser 0.3.61
  `cron-mapping` reads it), but actionlint 1.7.7 rejects the key ("element of "schedule" section
  must be mapping and must contain one key "cron""): an SS501 error, write the cron in UTC.
- workflow_dispatch (inputs from params) when `manual`; workflow_call (inputs, the artifact-prefix
  input, secrets, outputs) when `call`.
- A run started by an event has no inputs: each param then reads its default (expr.py `param`), and
  a param without one is an SS501 error.
"""

from __future__ import annotations

import json
from typing import Any

from ...compiler import ir, rules
from ...compiler.diagnostics import Diagnostic, error
from . import expr as gx
from .steps import ARTIFACT_PREFIX_INPUT

PLATFORM_TOKEN = "GITHUB_TOKEN"
"""The job's own token, `{secret: github, key: token}` in a spec (its scopes: `github.permissions`)."""

_INPUT_TYPES = {ir.ParamType.STRING: "string", ir.ParamType.BOOL: "boolean",
                ir.ParamType.INT: "number", ir.ParamType.ARRAY: "string"}

_ARTIFACT_PREFIX = {"description": "Put before every artifact name: give each call its own when one run "
                                   "calls this workflow more than once", "type": "string", "default": ""}


def without_inputs(t: ir.Triggers) -> bool:
    """Can a run start without inputs (a push, a pull request, a schedule)?"""
    return t.events or bool(t.schedules)


def scope(p: ir.Pipeline) -> gx.Scope:
    """References of this pipeline: params fall back to their defaults when a run may lack inputs."""
    fallbacks = {param.name: param for param in p.params} if without_inputs(p.triggers) else {}
    return gx.Scope(p.name, fallbacks)


def on(p: ir.Pipeline, s: gx.Scope) -> dict[str, Any]:
    t = p.triggers
    out: dict[str, Any] = {}
    if t.push is not None:
        out["push"] = _push(t.push)
    if t.pull_request is not None:
        out["pull_request"] = _pull_request(t.pull_request)
    if t.schedules:
        out["schedule"] = [{"cron": sched.cron} for sched in t.schedules]
    if t.manual:
        out["workflow_dispatch"] = {"inputs": {param.name: _input(param) for param in p.params}} if p.params else {}
    if t.call:
        out["workflow_call"] = _call(p, s)
    return out


def _filters(pairs: tuple[tuple[str, tuple[str, ...]], ...]) -> dict[str, Any]:
    return {key: list(globs) for key, globs in pairs if globs}


def _push(push: ir.PushTrigger) -> dict[str, Any]:
    return _filters((("branches", push.branches), ("branches-ignore", push.branches_ignore),
                     ("tags", push.tags), ("tags-ignore", push.tags_ignore),
                     ("paths", push.paths), ("paths-ignore", push.paths_ignore)))


def _pull_request(pr: ir.PullRequestTrigger) -> dict[str, Any]:
    out = _filters((("branches", pr.branches), ("branches-ignore", pr.branches_ignore)))
    if set(pr.types) != set(ir.DEFAULT_PR_TYPES):
        out["types"] = list(pr.types)
    return out | _filters((("paths", pr.paths), ("paths-ignore", pr.paths_ignore)))


def _call(p: ir.Pipeline, s: gx.Scope) -> dict[str, Any]:
    call: dict[str, Any] = {}
    inputs = {param.name: _input(param) for param in p.params}
    # only a call can share its run with another call; a checkout's files travel by actions/checkout
    if any(t.produces for t in p.all_tasks if t.checkout is None):
        inputs[ARTIFACT_PREFIX_INPUT] = dict(_ARTIFACT_PREFIX)
    if inputs:
        call["inputs"] = inputs
    secrets = _secrets(p)
    if secrets:
        call["secrets"] = {name: {"required": True} for name in secrets}
    if p.results:
        call["outputs"] = {r.name: _output(r, s) for r in p.results}
    return call


def _input(param: ir.Param) -> dict[str, Any]:
    """One input; arrays travel as JSON text (GitHub inputs are string, boolean or number).

    A default is written as is: workflow_dispatch defaults take no expression, not even an
    escaped `${{` (checks.py reports one).
    """
    spec: dict[str, Any] = {}
    description = param.description or ""
    if param.type is ir.ParamType.ARRAY:
        description = (description + " " if description else "") + "(a JSON list of strings)"
    if description:
        spec["description"] = plain(description)
    spec["type"] = _INPUT_TYPES[param.type]
    if param.required:
        spec["required"] = True
    elif isinstance(param.default, tuple):
        spec["default"] = json.dumps(list(param.default), separators=(",", ":"))
    else:
        spec["default"] = param.default
    return spec


def plain(text: str) -> str:
    """Descriptions take no expressions at all: break up `${{` so the parser does not see one."""
    return text.replace("${{", "${ {")


def _output(r: ir.PipelineResult, s: gx.Scope) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if r.description:
        out["description"] = plain(r.description)
    out["value"] = gx.template(r.value, s, results_from="jobs")
    return out


def _secrets(p: ir.Pipeline) -> list[str]:
    """GitHub names of every secret read, sorted: a reusable workflow must declare them, except the
    platform token, which every workflow has and none may declare."""
    names = {f.secret.github_name for t in p.all_tasks for f in t.secret_files}
    names |= {t.checkout.token.github_name for t in p.all_tasks if t.checkout and t.checkout.token}
    for t in p.all_tasks:
        for env in (*t.env, *(e for s in t.sidecars for e in s.env)):
            if isinstance(env.value, ir.SecretRef):
                names.add(env.value.github_name)
    return sorted(names - {PLATFORM_TOKEN})


# --- what GitHub cannot express ----------------------------------------------------------------


def check(p: ir.Pipeline) -> list[Diagnostic]:
    t = p.triggers
    found = [error(rules.UNSUPPORTED_ON_TARGET, s.span,
                   f"a schedule's timezone ({s.timezone}) is not supported on github by this version of "
                   "shipspec: GitHub reads `timezone`, but actionlint 1.7.7 rejects the key, so the workflow "
                   "would not pass the linters", hint="write the cron in UTC and drop `timezone`")
             for s in t.schedules if s.timezone]
    if without_inputs(t):
        found += [error(rules.UNSUPPORTED_ON_TARGET, param.span,
                        f"a required param ({param.name}) with a push, pull request or schedule trigger is not "
                        "supported on github: a push, a pull request or a schedule has no inputs",
                        hint="give it a default")
                  for param in p.params if param.required]
    return found
