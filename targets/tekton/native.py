"""A task that is one native unit: a pipeline task with `taskRef: {resolver, params}` (pipelines.md,
"Specifying Remote Tasks"; resolution.md: hub, bundles, git, cluster) and the unit's `params`.

Its workspace (`native.tekton.workspace`) is bound to the first artifact the task consumes: that
artifact's sub-directory of the run's volume, as every consumer mounts it. Its outputs are the
Task's results, which readers get as any task's (`$(tasks.T.results.X)`). Param values are the
pipeline's own references (params, task results, the run's context), never text of a script.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from . import checks, syntax

Doc = dict[str, Any]


def native_task(task: ir.Task, guarded: bool, diags: list[Diagnostic],
                when: Callable[[ir.Condition], list[Doc]]) -> Doc | None:
    """The pipeline task's name, taskRef, runAfter, when, params and workspaces; the caller adds
    retries and timeout. None when the unit has no Tekton entry (an SS501)."""
    assert task.native is not None
    unit = task.native.tekton
    if unit is None:
        diags.append(checks.unsupported(task.native.span, f"task '{task.name}'",
                                        f"task '{task.name}' has no native unit for {checks.TARGET}",
                                        "add `tekton: {resolver: …, resource: {…}}` to its `uses`"))
        return None
    if guarded and task.when is not None:
        diags.append(checks.unsupported(
            task.when.span, f"a condition on native task '{task.name}' whose results are read",
            "its Task has no step shipspec can guard, and Tekton skips every task that reads the results "
            "of a skipped task", "read no result of it, or move the condition to the tasks after it"))
    if task.matrix is not None:
        diags.append(checks.unsupported(
            task.matrix.span, f"a matrix of native task '{task.name}'",
            "a matrix fans out over the referenced Task's own params, which the spec's axes do not name",
            "run the matrix in a task of the spec's own"))
    out: Doc = {"name": task.name,
                "taskRef": {"resolver": unit.resolver,
                            "params": [{"name": name, "value": value} for name, value in unit.resource]}}
    if task.depends and not task.is_finally:
        out["runAfter"] = list(task.depends_on)
    if task.when is not None and (expressions := when(task.when)):
        out["when"] = expressions
    if unit.params:
        out["params"] = [{"name": name, "value": _value(t, task, diags)} for name, t in unit.params]
    if workspaces := _workspaces(task, unit, diags):
        out["workspaces"] = workspaces
    return out


def _value(template: ir.Template, task: ir.Task, diags: list[Diagnostic]) -> str:
    out = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, ir.StatusRef) or syntax.is_array(part) or isinstance(part, ir.MatrixRef):
            what = "a list" if syntax.is_array(part) else ir.ref_text(part)
            diags.append(checks.unsupported(
                part.span, f"{what} as a param of native task '{task.name}'",
                "a Task param takes Tekton's own value as it is (a status in Tekton's words, an array)",
                "compute the value in a task of the spec's own and pass its result"))
        else:
            out.append(syntax.pipeline_ref(part) or "")
    return "".join(out)


def _workspaces(task: ir.Task, unit: ir.TektonRef, diags: list[Diagnostic]) -> list[Doc]:
    if unit.workspace is None:
        if task.consumes:
            diags.append(checks.unsupported(
                task.consumes[0].span, f"consumes in native task '{task.name}' without a workspace",
                "the files reach a Tekton Task only through one of its workspaces",
                "name the Task's workspace: `tekton: {workspace: <name>}`"))
        return []
    if not task.consumes:
        diags.append(checks.unsupported(
            unit.span, f"workspace '{unit.workspace}' of native task '{task.name}'",
            "it is bound to the artifact the task consumes, and the task consumes none",
            "add `consumes: [{artifact: …}]`, or remove `workspace`"))
        return []
    for extra in task.consumes[1:]:
        diags.append(checks.unsupported(
            extra.span, f"a second consumed artifact ('{extra.name}') of native task '{task.name}'",
            "the Task's one workspace is bound to the first artifact", "consume one artifact"))
    first = task.consumes[0]
    return [{"name": unit.workspace, "workspace": syntax.ARTIFACTS_WORKSPACE, "subPath": first.name}]
