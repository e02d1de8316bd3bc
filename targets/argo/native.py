"""A native task: a DAG task that calls a template of a WorkflowTemplate (or, `clusterScope`, a
ClusterWorkflowTemplate) by `templateRef`, with the unit's arguments as `arguments.parameters`
(values as tags Argo substitutes, never shell text). Its outputs are that template's output
parameters, read as `{{tasks.T.outputs.parameters.X}}`, as results are. What the task consumes
goes as `arguments.artifacts` named after each artifact (the referenced template declares an
input artifact of that name): a checkout's git location at the commit it resolved, or the
repository's artifact. Facts: argo-workflows docs/workflow-templates.md ("Referencing other
WorkflowTemplates": `templateRef: {name, template, clusterScope}`), fields.md TemplateRef."""

from __future__ import annotations

from typing import Any

from ...compiler import diagnostics, ir, rules
from . import artifacts
from .conditions import when as when_text
from .context import Context, Scope
from .values import caller_value, expression_value

Json = dict[str, Any]


def dag_task(ctx: Context, task: ir.Task, scope: Scope, depends: str) -> Json:
    unit = task.native
    assert unit is not None
    ref = unit.argo
    if ref is None:
        ctx.diagnostics.append(diagnostics.error(
            rules.UNSUPPORTED_ON_TARGET, unit.span, f"task '{task.name}' has no native unit for argo",
            "add an `argo:` entry (a WorkflowTemplate's template) to its `uses`, or write the task as a script"))
        return {"name": task.name}
    _check(ctx, task)
    template_ref: Json = {"name": ref.name, "template": ref.template}
    if ref.cluster_scope:
        template_ref["clusterScope"] = True
    out: Json = {"name": task.name, "templateRef": template_ref}
    if depends:
        out["depends"] = depends
    arguments: Json = {}
    if ref.arguments:
        arguments["parameters"] = [{"name": name, "value": _text(ctx, value, task, scope)}
                                   for name, value in ref.arguments]
    files = artifacts.arguments(ctx, task, scope)
    if files:
        arguments["artifacts"] = files
    if arguments:
        out["arguments"] = arguments
    if task.when:
        out["when"] = when_text(task.when, lambda r: expression_value(ctx, r, task, scope))
    return out


def _check(ctx: Context, task: ir.Task) -> None:
    """What a call cannot set: retries, deadlines and the pod's settings are the referenced
    template's own (a DAG task has no such fields)."""
    unit_span = task.native.span if task.native else task.span
    for present, what in ((task.retry is not None, "retries"), (task.timeout_s is not None, "a timeout"),
                          (task.resources is not None, "resources"), (task.security is not None, "a security context")):
        if present:
            ctx.unsupported(unit_span, f"{what} on the native task '{task.name}'",
                            "a DAG task that calls a template by `templateRef` has no such field; the "
                            "referenced template sets its own", "set it in the WorkflowTemplate's template")
    if task.matrix is not None:
        ctx.unsupported(task.matrix.span, f"a matrix on the native task '{task.name}'",
                        "the backend fans out only the templates it writes", "run the matrix in a script task")
    if not artifacts.repository(ctx):
        for art in task.consumes:
            if ctx.pipeline.checkout_of(art) is None:
                ctx.unsupported(art.span, f"the native task '{task.name}' consuming '{art.name}'",
                                "with `artifacts: volume` the files are a subPath of the run's volume, which "
                                "a template of another WorkflowTemplate does not mount",
                                "use the artifact repository (the default)")
    if any(key[0] == task.name for key in ctx.global_names):
        ctx.unsupported(unit_span,
                        f"a finally task reading the native task '{task.name}'",
                        "the exit handler reads main tasks through global outputs, which only the "
                        "template itself can export", "read the output in a main task and pass it on")


def _text(ctx: Context, template: ir.Template, task: ir.Task, scope: Scope) -> str:
    return "".join(ctx.literal(p, template.span) if isinstance(p, str) else caller_value(ctx, p, task, scope)
                   for p in template.parts)
