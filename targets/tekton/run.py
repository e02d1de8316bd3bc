"""The PipelineRun: a file of its own (`<spec>.tekton-run.yaml`), written with `EmitOptions.tekton_run`.

The Pipeline is *applied* (`kubectl apply -f`, a GitOps sync); a run is *created* (`kubectl create -f`),
with `generateName` so that each gets a fresh name, which `apply` refuses. So they never share a file.

The run says what only a run can say: a value for each param the spec gives no default
(`-p NAME=VALUE`; Tekton would fail the run with ParameterMissing) and for each run param given
(`-p shipspec-run-sha=…`, optional: see `context`), the spec's timeout of the
whole run (only when it sets one: otherwise Tekton's cluster default applies, default-timeout-minutes,
60 in a default install), the service account and host network of its pods (`taskRunTemplate`),
and the claim of the per-run volume that carries artifacts. Keys follow the Go field order of
PipelineRunSpec.
"""

from __future__ import annotations

import json
from typing import Any

from ...compiler import ir, rules
from ...compiler.diagnostics import Diagnostic, error
from .. import kubernetes
from . import checkout, context, syntax

Doc = dict[str, Any]


def _timeouts(p: ir.Pipeline) -> Doc:
    """The spec's timeout bounds the main tasks; finally tasks still run after it, each within its own
    timeout. Tekton's `timeouts.pipeline` would cancel finally TaskRuns too, and after `timeouts.tasks`
    finally tasks run only when `timeouts.finally` is set; "0" is none, and `tasks` or `finally` may be
    "0" only with `pipeline` "0" (pipelineruns.md, "Configuring a failure timeout")."""
    limit = kubernetes.go_duration(p.timeout_s or 0)
    if not p.finally_tasks:
        return {"pipeline": limit}
    return {"pipeline": syntax.NO_TIMEOUT, "tasks": limit, "finally": syntax.NO_TIMEOUT}


def pipeline_run_document(p: ir.Pipeline, given: tuple[tuple[str, str], ...], diags: list[Diagnostic]) -> Doc:
    """A run of the Pipeline by name, with the param values `given` (checked against the spec)."""
    metadata = run_metadata(p, {"generateName": f"{p.name}-run-"})
    spec: Doc = {"pipelineRef": {"name": p.name}}
    if params := _params(p, dict(given), diags):
        spec["params"] = params
    if p.timeout_s is not None:
        spec["timeouts"] = _timeouts(p)
    template: Doc = {}
    if p.host_network:
        template["podTemplate"] = {"hostNetwork": True}
    if p.service_account:
        template["serviceAccountName"] = p.service_account
    if template:
        spec["taskRunTemplate"] = template
    if p.uses_artifacts:
        claim = {"spec": kubernetes.run_claim_spec(p)}
        spec["workspaces"] = [{"name": syntax.ARTIFACTS_WORKSPACE, "volumeClaimTemplate": claim}]
    if specs := task_run_specs(p):
        spec["taskRunSpecs"] = specs
    return {"apiVersion": syntax.API_VERSION, "kind": "PipelineRun", "metadata": metadata, "spec": spec}


def run_metadata(p: ir.Pipeline, metadata: Doc) -> Doc:
    """The run's name (or generateName), namespace, and the spec's `kubernetes.run` labels and annotations."""
    if p.namespace:
        metadata["namespace"] = p.namespace
    if p.run.labels:
        metadata["labels"] = dict(p.run.labels)
    if p.run.annotations:
        metadata["annotations"] = dict(p.run.annotations)
    return metadata


def task_run_specs(p: ir.Pipeline) -> list[Doc]:
    """The catalog git-clone Task runs as UID 65532: its pod's fsGroup lets it write the run's volume
    (the Task's README, "Workspaces"). Only that pipeline task's pod, not every task's."""
    return [{"pipelineTaskName": t.name,
             "podTemplate": {"securityContext": {"fsGroup": checkout.GIT_CLONE_USER}}}
            for t in p.tasks if t.checkout is not None]


def _params(p: ir.Pipeline, given: dict[str, str], diags: list[Diagnostic]) -> list[Doc]:
    """In declaration order: each param given a value, and an error for each required one that
    was not; a param with a default is left to it. Then the run params the Pipeline declares for
    the run's context (`context`), each optional and text. A name the Pipeline does not declare
    is an error."""
    run_params = [ir.run_param(f) for f in context.declared(p)]
    declared = {param.name for param in p.params} | set(run_params)
    for name in given:
        if name not in declared:
            hint = f"declared params: {', '.join(sorted(declared))}" if declared else "the spec declares no params"
            diags.append(error(rules.UNKNOWN_REFERENCE, p.span, f"-p {name}: the pipeline has no param {name}", hint))
    out: list[Doc] = []
    for param in p.params:
        if param.name in given:
            value = _value(param, given[param.name], diags)
            if value is not None:
                out.append({"name": param.name, "value": value})
        elif param.required:
            diags.append(error(rules.MISSING_FIELD, param.span,
                               f"param {param.name} has no default: give it with -p {param.name}=VALUE"))
    return out + [{"name": name, "value": given[name]} for name in run_params if name in given]


def _value(param: ir.Param, text: str, diags: list[Diagnostic]) -> str | list[str] | None:
    """The value as Tekton takes it: an array param a list of strings, every other param text
    (bool and int params are strings on Tekton: `true`, `42`)."""
    problem: str | None = None
    value: str | list[str] = text
    if param.type is ir.ParamType.ARRAY:
        items = _json_list(text)
        if items is None:
            problem = f"give a JSON list of strings, e.g. -p {param.name}='[\"a\", \"b\"]'"
        else:
            value = items
    elif param.type is ir.ParamType.BOOL and text not in ("true", "false"):
        problem = "give true or false"
    elif param.type is ir.ParamType.INT and not _is_int(text):
        problem = "give a whole number"
    if problem is None:
        return value
    diags.append(error(rules.WRONG_TYPE, param.span,
                       f"-p {param.name}: param {param.name} is {_article(param.type)}: {problem}"))
    return None


def _json_list(text: str) -> list[str] | None:
    try:
        items = json.loads(text)
    except ValueError:
        return None
    if isinstance(items, list) and all(isinstance(i, str) for i in items):
        return items
    return None


def _is_int(text: str) -> bool:
    try:
        int(text, 10)
    except ValueError:
        return False
    return text.strip() == text


def _article(kind: ir.ParamType) -> str:
    return {"array": "an array", "int": "an int"}.get(kind.value, f"a {kind.value}")
