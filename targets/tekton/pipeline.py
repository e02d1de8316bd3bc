"""The Pipeline document: params, the artifacts workspace, tasks, finally, results (the run is `run`)."""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from . import checks, context, skips, syntax
from .task import pipeline_task

Doc = dict[str, Any]


def pipeline_document(p: ir.Pipeline, diags: list[Diagnostic]) -> Doc:
    """Keys in the order Tekton's docs write them: description, params, workspaces, tasks, finally, results."""
    spec: Doc = {}
    if p.description:
        spec["description"] = p.description
    if params := [_param_spec(param) for param in p.params] + context.param_specs(p):
        spec["params"] = params  # the spec's, then the run's context Tekton does not know (`context`)
    if p.uses_artifacts:
        spec["workspaces"] = [{"name": syntax.ARTIFACTS_WORKSPACE,
                               "description": "Files passed between tasks: one sub-directory per artifact."}]
    guarded = skips.guarded(p)
    spec["tasks"] = [pipeline_task(t, p, diags, guarded=t.name in guarded) for t in p.tasks]
    if p.finally_tasks:
        spec["finally"] = [pipeline_task(t, p, diags, guarded=t.name in guarded) for t in p.finally_tasks]
    if p.results:
        spec["results"] = [_result(r, p, diags) for r in p.results]
    metadata: Doc = {"name": p.name}
    if p.namespace:
        metadata["namespace"] = p.namespace
    if p.labels:  # Tekton copies them to each PipelineRun, TaskRun and pod
        metadata["labels"] = dict(p.labels)
    if p.annotations:
        metadata["annotations"] = dict(p.annotations)
    return {"apiVersion": syntax.API_VERSION, "kind": "Pipeline", "metadata": metadata, "spec": spec}


def _param_spec(param: ir.Param) -> Doc:
    """bool and int params are strings on Tekton (`true`, `42`); arrays stay arrays."""
    out: Doc = {"name": param.name, "type": "array" if param.type is ir.ParamType.ARRAY else "string"}
    if param.description:
        out["description"] = param.description
    if isinstance(param.default, tuple):
        out["default"] = list(param.default)
    elif param.default is not None:
        out["default"] = syntax.text(param.default)
    return out


def _result(result: ir.PipelineResult, p: ir.Pipeline, diags: list[Diagnostic]) -> Doc:
    """Tekton builds a pipeline result only from task results (pipeline_validation.go)."""
    finally_names = frozenset(t.name for t in p.finally_tasks)
    whole_list = isinstance(ref := result.value.single_ref, ir.ResultRef) and ref.as_list
    value = "".join(_result_part(part, result, finally_names, whole_list, diags) for part in result.value.parts)
    if not result.value.refs:
        diags.append(_result_unsupported(result, "it reads no task result"))
    out: Doc = {"name": result.name}
    if whole_list:
        out["type"] = "array"  # a matrix task's results, aggregated
    if result.description:
        out["description"] = result.description
    out["value"] = value
    return out


def _result_part(part: str | ir.Ref, result: ir.PipelineResult, finally_names: frozenset[str],
                 whole_list: bool, diags: list[Diagnostic]) -> str:
    if isinstance(part, str):
        if "$" in part:
            diags.append(_result_unsupported(result, "Tekton reads every `$` in it as a reference"))
        return part
    if not isinstance(part, ir.ResultRef):
        diags.append(_result_unsupported(result, "Tekton fills pipeline results from task results only"))
        return ""
    if part.as_list and not whole_list:
        diags.append(_result_unsupported(result, "a matrix task's results form an array, which cannot be "
                                                 "part of a text"))
    return syntax.pipeline_ref(part, finally_tasks=finally_names) or ""


def _result_unsupported(result: ir.PipelineResult, why: str) -> Diagnostic:
    return checks.unsupported(result.span, f"the value of pipeline result '{result.name}'", why,
                              "write the value to a task result and make the pipeline result that result")
