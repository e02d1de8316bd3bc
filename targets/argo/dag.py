"""The DAG side: the entrypoint `main`, the `exit-handler` of finally tasks, one DAG task per
task, matrix fan-out (`withItems`/`withParam`) and the wrapper DAG that caps or collects it."""

from __future__ import annotations

import itertools
from typing import Any

from ...compiler import ir
from . import artifacts, native, syntax, templates
from .conditions import when as when_text
from .context import ENTRYPOINT, EXIT_HANDLER, Context, Scope, input_name, matrix_refs, task_refs
from .results import pipeline_outputs
from .values import caller_value, expression_value

Json = dict[str, Any]


def task_templates(ctx: Context, task: ir.Task) -> list[Json]:
    """The templates one task needs: for a matrix, its collector and wrapper if it has them, then
    its own (whose instances export nothing: a finally task reads the collected list)."""
    if task.native is not None:
        return []  # a templateRef: the template is the WorkflowTemplate's (native.py)
    out = []
    if task.matrix and task.name in ctx.collector_names:
        out.append(_collector(ctx, task))
    if task.matrix and task.name in ctx.wrapper_names:
        out.append(_wrapper(ctx, task, task.matrix))
    return [*out, templates.leaf(ctx, task, exported=task.matrix is None)]


def main_template(ctx: Context) -> Json:
    """`main`: a DAG of the tasks; pipeline results are its outputs (see results.py)."""
    out: Json = {"name": ENTRYPOINT}
    inputs, outputs = pipeline_outputs(ctx)
    if inputs:
        out["inputs"] = {"parameters": inputs}
    if outputs:
        out["outputs"] = {"parameters": outputs}
    out["dag"] = {"tasks": [_dag_task(ctx, t, Scope.MAIN) for t in ctx.pipeline.tasks]}
    return out


def exit_template(ctx: Context) -> Json:
    """`exit-handler` (spec.onExit): Argo runs it after the DAG whatever happened, where
    `workflow.status` holds the outcome (see `syntax.PIPELINE_STATUS`); its tasks run in parallel,
    as finally tasks do."""
    return {
        "name": EXIT_HANDLER,
        "dag": {"tasks": [_dag_task(ctx, t, Scope.EXIT) for t in ctx.pipeline.finally_tasks]},
    }


def _dag_task(ctx: Context, task: ir.Task, scope: Scope) -> Json:
    """The call of a task from `main` or `exit-handler`."""
    if task.native is not None:
        return native.dag_task(ctx, task, scope, _depends(ctx, task, scope))
    wrapped = task.name in ctx.wrapper_names
    called = ctx.collector_names.get(task.name) or ctx.wrapper_names.get(task.name) or ctx.leaf_names[task.name]
    out: Json = {"name": task.name, "template": called}
    depends = _depends(ctx, task, scope)
    if depends:
        out["depends"] = depends
    arguments = _arguments(ctx, task, _wrapper_inputs(task) if wrapped else task_refs(task), scope)
    if arguments:
        out["arguments"] = arguments
    if task.when and not (wrapped and _when_per_item(task)):
        out["when"] = when_text(task.when, lambda r: expression_value(ctx, r, task, scope))
    if task.matrix and not wrapped:
        out.update(_loop(ctx, task, task.matrix, scope))
    return out


def _depends(ctx: Context, task: ir.Task, scope: Scope) -> str:
    """`a && b`: each must have succeeded, or been skipped by its `when`. In the exit handler
    the main tasks are already over, so only its own tasks could be waited for."""
    names = task.depends_on
    if scope is Scope.EXIT:
        finals = {t.name for t in ctx.pipeline.finally_tasks}
        names = tuple(n for n in names if n in finals)
    return " && ".join(names)


def _arguments(ctx: Context, task: ir.Task, refs: tuple[ir.Ref, ...], scope: Scope) -> Json:
    """The parameters that carry `refs`, and the artifacts the task consumes (artifacts.py)."""
    out: Json = {}
    if refs:
        out["parameters"] = [{"name": input_name(r), "value": caller_value(ctx, r, task, scope)} for r in refs]
    files = artifacts.arguments(ctx, task, scope)
    if files:
        out["artifacts"] = files
    return out


# --- matrix -------------------------------------------------------------------------------------


def _loop(ctx: Context, task: ir.Task, matrix: ir.Matrix, scope: Scope) -> Json:
    """`withParam` for an array param or an upstream result (one axis: a JSON list); else
    `withItems`, plain values for one axis and objects for several: the cross product, without the
    `exclude` matches, then the `include` combinations it lacks, computed here."""
    runtime = [a for a in matrix.axes if isinstance(a.values, ir.ParamRef | ir.ResultRef)]
    if runtime and (len(matrix.axes) > 1 or matrix.include or matrix.exclude):
        what = "an array param" if isinstance(runtime[0].values, ir.ParamRef) else "a task's result"
        ctx.unsupported(
            runtime[0].span, f"a matrix that crosses {what} with other axes, or includes or excludes combinations",
            "Argo expands `withParam` (one JSON list) or `withItems` (a fixed list), and the product "
            "with a run-time list, or a filter of it, cannot be written as either",
            "use one axis for the run-time list, or list its values in the spec",
        )
        return {}
    if runtime:
        values = runtime[0].values
        if isinstance(values, ir.ParamRef):
            return {"withParam": syntax.workflow_param(values.name)}
        assert isinstance(values, ir.ResultRef)
        if ctx.pipeline.task(values.task).when is not None:
            ctx.note(runtime[0].span, f"when '{values.task}' is skipped, its result is \"\" and Argo fails "
                     f"'{task.name}', whose `withParam` is no JSON list",
                     f"give '{task.name}' the same condition as '{values.task}'")
        return {"withParam": caller_value(ctx, values, task, scope)}
    combos = _combinations(ctx, matrix)
    if len(matrix.axes) == 1:
        return {"withItems": [combo[0] for combo in combos]}
    return {"withItems": [{a.name: v for a, v in zip(matrix.axes, combo, strict=True)} for combo in combos]}


def _combinations(ctx: Context, matrix: ir.Matrix) -> list[tuple[str, ...]]:
    """Axis values as Argo text, one tuple per instance, in the axes' order."""
    def text(value: ir.Scalar) -> str:
        return ctx.literal(syntax.scalar(value), matrix.span)

    names = [a.name for a in matrix.axes]
    columns = [[text(v) for v in _literal_values(a)] for a in matrix.axes]
    excluded = [{k: text(v) for k, v in combo} for combo in matrix.exclude]
    out = [c for c in itertools.product(*columns)
           if not any(all(dict(zip(names, c, strict=True))[k] == v for k, v in ex.items()) for ex in excluded)]
    for combo in matrix.include:
        given = {k: text(v) for k, v in combo}
        extra = tuple(given[n] for n in names)
        if extra not in out:
            out.append(extra)
    return out


def _literal_values(axis: ir.MatrixAxis) -> tuple[ir.Scalar, ...]:
    return () if isinstance(axis.values, ir.ParamRef | ir.ResultRef) else axis.values


def _when_per_item(task: ir.Task) -> bool:
    """A condition on `matrix.x` is decided per instance, so it goes on the wrapper's inner task."""
    return task.when is not None and any(isinstance(r, ir.MatrixRef) for r in ir.condition_refs(task.when))


def _wrapper_inputs(task: ir.Task) -> tuple[ir.Ref, ...]:
    """Results the inner task reads: `tasks.*` is not visible inside another DAG template."""
    refs = task_refs(task) + (ir.condition_refs(task.when) if task.when is not None and _when_per_item(task) else ())
    refs += matrix_refs(task)
    return tuple(dict.fromkeys(r for r in refs if isinstance(r, ir.ResultRef)))


def _wrapper(ctx: Context, task: ir.Task, matrix: ir.Matrix) -> Json:
    """A DAG template that runs the instances of a matrix task: `parallelism` caps them (Argo has no
    cap per DAG task), and its output is Argo's list of every instance's outputs, for the collector."""
    out: Json = {"name": ctx.wrapper_names[task.name]}
    inputs = _wrapper_template_inputs(ctx, task)
    if inputs:
        out["inputs"] = inputs
    if task.results:
        out["outputs"] = {"parameters": [_instances(task)]}
    if matrix.max_parallel is not None:
        out["parallelism"] = matrix.max_parallel
    inner: Json = {"name": task.name, "template": ctx.leaf_names[task.name]}
    arguments = _arguments(ctx, task, task_refs(task), Scope.WRAPPED)
    if arguments:
        inner["arguments"] = arguments
    if task.when and _when_per_item(task):
        inner["when"] = when_text(task.when, lambda r: expression_value(ctx, r, task, Scope.WRAPPED))
    inner.update(_loop(ctx, task, matrix, Scope.WRAPPED))
    out["dag"] = {"tasks": [inner]}
    return out


def _instances(task: ir.Task) -> Json:
    """`tasks.t.outputs.parameters`: what Argo keeps of a loop's instances that succeeded, in order,
    as a JSON list of maps from output name to its exact string (workflow/controller/operator.go
    `processAggregateNodeOutputs`); `[]` when the loop had no item. Read by a `parameter` reference,
    which looks the flat name up (util/template `ResolveVar`). Not the per-name aggregate
    `tasks.t.outputs.parameters.r`: `aggregatedJSONValueList` nests the values, re-encoded, when every
    one of them parses as a JSON object or list, so the strings the spec promises are lost."""
    value: Json = {"parameter": syntax.task_outputs(task.name), "default": "[]"}
    return {"name": syntax.INSTANCES, "valueFrom": value}


def _collector(ctx: Context, task: ir.Task) -> Json:
    """A DAG template around the wrapper whose outputs are the matrix task's results, each the JSON
    list of the instances' strings (as Tekton gives them), exported for the exit handler.

    Its own DAG is needed because an expression cannot read the wrapper's loop aggregate where it is
    made: the expression env is the scope expanded into nested maps, and util/expand drops
    `tasks.t.outputs.parameters` because `tasks.t.outputs.parameters.r` is also there. One level up the
    aggregate is the wrapper's plain output. `default: ""` when the matrix task was skipped, as a
    skipped plain task yields (templates.py)."""
    out: Json = {"name": ctx.collector_names[task.name]}
    inputs = _wrapper_template_inputs(ctx, task)
    if inputs:
        out["inputs"] = inputs
    out["outputs"] = {"parameters": [_collected(ctx, task, r) for r in task.results]}
    call: Json = {"name": task.name, "template": ctx.wrapper_names[task.name]}
    arguments = _arguments(ctx, task, _wrapper_inputs(task), Scope.WRAPPED)
    if arguments:
        call["arguments"] = arguments
    out["dag"] = {"tasks": [call]}
    return out


def _wrapper_template_inputs(ctx: Context, task: ir.Task) -> Json:
    """A wrapper's inputs: the results its inner task reads, and the artifacts it consumes."""
    out: Json = {}
    refs = _wrapper_inputs(task)
    if refs:
        out["parameters"] = [{"name": input_name(r)} for r in refs]
    files = artifacts.wrapper_inputs(ctx, task)
    if files:
        out["artifacts"] = files
    return out


def _collected(ctx: Context, task: ir.Task, result: ir.Result) -> Json:
    value: Json = {"expression": syntax.expr_collected(task.name, result.name), "default": ""}
    out: Json = {"name": result.name, "valueFrom": value}
    global_name = ctx.global_names.get((task.name, result.name))
    if global_name:
        out["globalName"] = global_name
    if result.description:
        out["description"] = result.description
    return out
