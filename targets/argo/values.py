"""How a DAG task hands a reference's value to its template: the caller side of each input, as a
`{{…}}` tag (arguments) or as an expr-lang variable (`when`, see conditions.py)."""

from __future__ import annotations

from ...compiler import ir
from . import run, syntax
from .context import RAN, Context, Scope, input_name


def caller_value(ctx: Context, ref: ir.Ref, task: ir.Task, scope: Scope) -> str:
    """`ref` in Argo syntax where `task`'s DAG task is evaluated."""
    if isinstance(ref, ir.ParamRef):
        return syntax.workflow_param(ref.name)
    if isinstance(ref, ir.ResultRef):
        return _result(ctx, ref, scope)
    if isinstance(ref, ir.MatrixRef):
        return syntax.item(_axis(ref, task))
    if isinstance(ref, ir.RunRef):
        return run.simple_tag(ref.kind)
    if ref.task is not None:
        return syntax.expression_tag(task_status(ctx, ref))
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
        return run.expression(ref.kind)
    if ref.task is not None:
        return task_status(ctx, ref)
    return syntax.EXPR_PIPELINE_STATUS


def task_status(ctx: Context, ref: ir.StatusRef) -> str:
    """`tasks.T.status` in the exit handler, where `tasks.*` is out of scope. Failed: a node named
    T is in `workflow.failures`, the JSON list of the run's Failed and Error nodes, which the
    controller sets before onExit, Go-quoted (operator.go: `strconv.Quote`, hence two `fromJSON`;
    `null` when there are none). Else Succeeded when T's pod ran, which its `shipspec-ran` output
    (a default, exported as a global output) says, and Skipped when it did not: skipped by its
    `when`, or omitted after an upstream failure (Tekton's None). A retried task's attempts are
    `T(0)`…, so only the retry node itself, named T, decides."""
    assert ref.task is not None
    task = syntax.expr_literal(ref.task)
    failures = "fromJSON(fromJSON(workflow.failures)) ?? []"
    ran = syntax.expr_global_output(ctx.global_names[(ref.task, RAN)])
    return (f"(any({failures}, {{.displayName == {task}}}) ? 'Failed' : "
            f"({ran} != '' ? 'Succeeded' : 'Skipped'))")


def _axis(ref: ir.MatrixRef, task: ir.Task) -> str | None:
    """The item's key: a one-axis matrix has plain items."""
    return ref.axis if task.matrix and len(task.matrix.axes) > 1 else None


def _result(ctx: Context, ref: ir.ResultRef, scope: Scope) -> str:
    if scope is Scope.WRAPPED:
        return syntax.input_param(input_name(ref))
    if scope is Scope.EXIT:
        return syntax.global_output(ctx.global_names[(ref.task, ref.result)])
    return syntax.task_output(ref.task, ref.result)
