"""How a DAG task hands a reference's value to its template: the caller side of each input, as a
`{{…}}` tag (arguments) or as an expr-lang variable (`when`, see conditions.py)."""

from __future__ import annotations

from ...compiler import ir
from . import syntax
from .context import Context, Scope, input_name

_RUN_PARAM = {ir.RunField.SHA: "commit", ir.RunField.BRANCH: "branch"}
_RUN_FIELDS = {ir.RunField.ID: "uid", ir.RunField.NAME: "name"}


def caller_value(ctx: Context, ref: ir.Ref, task: ir.Task, scope: Scope) -> str:
    """`ref` in Argo syntax where `task`'s DAG task is evaluated."""
    if isinstance(ref, ir.ParamRef):
        return syntax.workflow_param(ref.name)
    if isinstance(ref, ir.ResultRef):
        return _result(ctx, ref, scope)
    if isinstance(ref, ir.MatrixRef):
        return syntax.item(_axis(ref, task))
    if isinstance(ref, ir.RunRef):
        return run_value(ctx, ref)
    return syntax.PIPELINE_STATUS  # Succeeded or Failed, never Argo's Error


def expression_value(ctx: Context, ref: ir.Ref, task: ir.Task, scope: Scope) -> str:
    """`ref` as an expr-lang operand inside an expression tag where `task`'s DAG task is evaluated:
    the same variable `caller_value` names, read by Argo as a value (a string), not spliced text."""
    if isinstance(ref, ir.ParamRef):
        return syntax.expr_param(ref.name)
    if isinstance(ref, ir.ResultRef):
        if scope is Scope.WRAPPED:
            return syntax.expr_input_param(input_name(ref))
        if scope is Scope.EXIT:
            return syntax.expr_global_output(ctx.global_names[(ref.task, ref.result)])
        return syntax.expr_task_result(ref.task, ref.result)
    if isinstance(ref, ir.MatrixRef):
        return syntax.expr_item(_axis(ref, task))
    if isinstance(ref, ir.RunRef):
        field = _run_field(ctx, ref)
        return syntax.expr_run_field(field) if field else syntax.expr_literal("")
    return syntax.EXPR_PIPELINE_STATUS


def _axis(ref: ir.MatrixRef, task: ir.Task) -> str | None:
    """The item's key: a one-axis matrix has plain items."""
    return ref.axis if task.matrix and len(task.matrix.axes) > 1 else None


def _result(ctx: Context, ref: ir.ResultRef, scope: Scope) -> str:
    if scope is Scope.WRAPPED:
        return syntax.input_param(input_name(ref))
    if scope is Scope.EXIT:
        return syntax.global_output(ctx.global_names[(ref.task, ref.result)])
    return syntax.task_output(ref.task, ref.result)


def run_value(ctx: Context, ref: ir.RunRef) -> str:
    """`{{workflow.uid}}` / `{{workflow.name}}`; Argo does not know which commit a run builds."""
    field = _run_field(ctx, ref)
    return syntax.run_field(field) if field else ""


def _run_field(ctx: Context, ref: ir.RunRef) -> str | None:
    """Argo's `workflow.<field>` for the run's id or name; None (reported) for sha and branch."""
    if ref.kind in _RUN_FIELDS:
        return _RUN_FIELDS[ref.kind]
    field = ref.kind.value
    ctx.unsupported(
        ref.span, f"run.{field}", "an Argo Workflow is not tied to a commit or branch, so it has no variable for them",
        f"pass the {_RUN_PARAM[ref.kind]} as a param (e.g. `{field}`) and read `~{{ params.{field} }}`",
    )
    return None
