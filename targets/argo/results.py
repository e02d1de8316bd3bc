"""Pipeline results on Argo.

Argo has no workflow-level declared results, so they are the outputs of the entrypoint template
`main` (`outputs.parameters`), resolved when the DAG ends: the form a caller of the template
reads (`templateRef: {name: <pipeline>, template: main}` gives `{{tasks.x.outputs.parameters.r}}`),
and what `argo get` shows on the workflow's root node. They are not global outputs: Argo exports
a `globalName` only from a task inside a DAG, never from the entrypoint itself.

- a result that is exactly one task result: `valueFrom.parameter: "{{tasks.t.outputs.parameters.r}}"`;
- anything else: `valueFrom.expression`, an expr-lang concatenation (a `{{…}}` tag would be
  substituted into the text before the outputs are read). Params reach it as `main`'s inputs,
  which Argo binds from the workflow's arguments by name; so do the run params the backend declares
  (`shipspec-run-sha`, run.py). The run fields Argo knows (`workflow.uid`…) are inputs of `main`
  with that tag as their value: an expression of `valueFrom` sees no `workflow.*` variable.
- `default: ""` when a producer was skipped by its `when`, so the run does not fail for it.
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from . import run, syntax
from .context import Context

Json = dict[str, Any]


def pipeline_outputs(ctx: Context) -> tuple[list[Json], list[Json]]:
    """(inputs, outputs) of `main` for the pipeline results."""
    inputs: dict[str, Json] = {}
    outputs = [_output(ctx, result, inputs) for result in ctx.pipeline.results]
    return list(inputs.values()), outputs


def _output(ctx: Context, result: ir.PipelineResult, inputs: dict[str, Json]) -> Json:
    single = result.value.single_ref
    if isinstance(single, ir.ResultRef):
        _readable(ctx, single)
        value: Json = {"parameter": syntax.task_output(single.task, single.result)}
    else:
        value = {"expression": _expression(ctx, result, inputs)}
    value["default"] = ""
    out: Json = {"name": result.name, "valueFrom": value}
    if result.description:
        out["description"] = result.description
    return out


def _expression(ctx: Context, result: ir.PipelineResult, inputs: dict[str, Json]) -> str:
    terms = [_term(ctx, part, result, inputs) for part in result.value.parts]
    return " + ".join(terms) or syntax.expr_string("")


def _term(ctx: Context, part: str | ir.Ref, result: ir.PipelineResult, inputs: dict[str, Json]) -> str:
    if isinstance(part, str):
        return syntax.expr_string(ctx.literal(part, result.value.span))
    if isinstance(part, ir.ResultRef):
        _readable(ctx, part)
        return syntax.expr_task_output(part.task, part.result)
    if isinstance(part, ir.ParamRef):
        inputs.setdefault(part.name, {"name": part.name})
        return syntax.expr_input(part.name)
    if isinstance(part, ir.RunRef):
        return _run_term(ctx, part, result, inputs)
    ctx.unsupported(part.span, "a pipeline result that reads a matrix value or the pipeline status",
                    "the results are read when the main DAG ends, outside any task or exit handler",
                    "read the value in a task and return it as that task's result")
    return syntax.expr_string("")


def _run_term(ctx: Context, ref: ir.RunRef, result: ir.PipelineResult, inputs: dict[str, Json]) -> str:
    """A declared run param is bound by name, as a spec param is (a spec param of that name is
    reported where params are written, __init__.py); a field Argo knows gets its tag as the value."""
    name = ir.run_param(ref.kind)
    if ref.kind not in run.NATIVE:
        inputs.setdefault(name, {"name": name})
        return syntax.expr_input(name)
    if any(p.name == name for p in ctx.pipeline.params):
        ctx.unsupported(result.span, f"a pipeline result that reads run.{ref.kind.value}",
                        f"the Argo backend carries it in the input '{name}', which a param of that name would set",
                        f"rename the param '{name}'")
    inputs.setdefault(name, {"name": name, "value": run.simple_tag(ref.kind)})
    return syntax.expr_input(name)


def _readable(ctx: Context, ref: ir.ResultRef) -> None:
    if ref.task in ctx.leaf_names and not ctx.pipeline.task(ref.task).is_finally:
        return
    ctx.unsupported(ref.span, "a pipeline result from a finally task",
                    "finally tasks run in the exit handler, after `main` has produced its outputs",
                    "compute the value in a main task")
