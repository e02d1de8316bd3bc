"""How a DAG task hands a reference's value to its template: the caller side of each input."""

from __future__ import annotations

from ...compiler import ir
from . import syntax
from .context import Context, Scope, input_name

_RUN_PARAM = {ir.RunField.SHA: "commit", ir.RunField.BRANCH: "branch"}


def caller_value(ctx: Context, ref: ir.Ref, task: ir.Task, scope: Scope) -> str:
    """`ref` in Argo syntax where `task`'s DAG task is evaluated."""
    if isinstance(ref, ir.ParamRef):
        return syntax.workflow_param(ref.name)
    if isinstance(ref, ir.ResultRef):
        return _result(ctx, ref, scope)
    if isinstance(ref, ir.MatrixRef):
        return syntax.item(ref.axis if task.matrix and len(task.matrix.axes) > 1 else None)
    if isinstance(ref, ir.RunRef):
        return run_value(ctx, ref)
    return syntax.PIPELINE_STATUS  # Succeeded or Failed, never Argo's Error


def _result(ctx: Context, ref: ir.ResultRef, scope: Scope) -> str:
    if scope is Scope.WRAPPED:
        return syntax.input_param(input_name(ref))
    if scope is Scope.EXIT:
        return syntax.global_output(ctx.global_names[(ref.task, ref.result)])
    return syntax.task_output(ref.task, ref.result)


def run_value(ctx: Context, ref: ir.RunRef) -> str:
    """`{{workflow.uid}}` / `{{workflow.name}}`; Argo does not know which commit a run builds."""
    if ref.kind is ir.RunField.ID:
        return syntax.run_field("uid")
    if ref.kind is ir.RunField.NAME:
        return syntax.run_field("name")
    field = ref.kind.value
    ctx.unsupported(
        ref.span, f"run.{field}", "an Argo Workflow is not tied to a commit or branch, so it has no variable for them",
        f"pass the {_RUN_PARAM[ref.kind]} as a param (e.g. `{field}`) and read `~{{ params.{field} }}`",
    )
    return ""
