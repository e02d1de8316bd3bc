"""What a task reads from outside: one taskSpec param per distinct reference.

Tekton substitutes `$(params.x)` in a task's steps and sidecars; the pipeline task feeds each
param from the pipeline (`$(params.p)`, `$(tasks.t.results.r)`, `$(context.pipelineRun.uid)`,
`$(tasks.status)`), and the matrix feeds its axes. A list (an array param, or the results of a
matrix task, which Tekton aggregates into an array) arrives as an array param; Tekton cannot put
an array in an env var, so a small step turns it into the JSON text the IR promises and passes it
on as a step result (`$(steps.s.results.json)`, resolved when the reading step starts).
`pipeline.status` likewise goes through a small step that turns Tekton's four words into the
two the spec promises (`$(steps.s.results.status)`), and a task's status (`$(tasks.t.status)`:
Succeeded, Failed or None) into Succeeded, Failed or Skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from .. import kubernetes
from . import checks, helpers, syntax
from .checkout import SHORT_SHA_SCRIPT, ShortSha


@dataclass(frozen=True, slots=True)
class Input:
    name: str  # the taskSpec param
    ref: ir.Ref
    step: str | None = None  # lists and status: the step whose result holds the value


Inputs = dict[ir.Ref, Input]
"""A task's inputs by reference, in order of first use (matrix axes first)."""


def collect(task: ir.Task, diags: list[Diagnostic], *, condition: bool = False) -> Inputs:
    """One input per distinct reference in the task's env, command, args and sidecar env; with
    `condition`, also in its `when` (a step `when` compares the params as they come: no step)."""
    inputs: Inputs = {}
    names: set[str] = set()
    for axis in task.matrix.axes if task.matrix else ():
        value = ir.MatrixRef(axis.name, axis.span)
        inputs[value] = Input(kubernetes.unique(_param_name(value), names), value)  # also the matrix param's name
    steps = {task.name, *(s.name for s in task.steps)}  # the names a helper step may not take
    for ref in checks.value_refs(task):
        if ref in inputs or _unsupported(ref, task, diags):
            continue
        name = kubernetes.unique(_param_name(ref), names)
        step = kubernetes.unique(_step_name(ref, name, len(steps)), steps) if needs_step(ref) else None
        inputs[ref] = Input(name, ref, step)
    for ref in ir.condition_refs(task.when) if condition and task.when is not None else ():
        if ref in inputs or syntax.is_array(ref) or _unsupported(ref, task, diags):
            continue  # a list in a condition, or a matrix axis: reported with the condition
        inputs[ref] = Input(kubernetes.unique(_param_name(ref), names), ref)
    return inputs


def needs_step(ref: ir.Ref) -> bool:
    """A list (JSON text) or pipeline.status (two words of four): a step prepares the value."""
    return syntax.is_array(ref) or isinstance(ref, (ir.StatusRef, ShortSha))


def spec_params(inputs: Inputs) -> list[dict[str, Any]]:
    return [{"name": i.name, "type": "array" if syntax.is_array(i.ref) else "string"} for i in inputs.values()]


def task_params(inputs: Inputs) -> list[dict[str, Any]]:
    """The pipeline task's params: every input but the matrix axes."""
    return [{"name": i.name, "value": value} for i in inputs.values()
            if (value := syntax.pipeline_ref(i.ref)) is not None]


def render(template: ir.Template, inputs: Inputs) -> str:
    """A template for an env value, command or args: escaped literal text, refs as params."""
    parts = template.parts
    out = []
    for i, part in enumerate(parts):
        if isinstance(part, str):
            follows = i + 1 < len(parts) and not isinstance(parts[i + 1], str)
            out.append(kubernetes.kubelet_escape(part, value_follows=follows))
        else:
            out.append(_value(inputs.get(part)))
    return "".join(out)


def value_steps(inputs: Inputs, security: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One step per list input (its array, as args, written out as JSON text) and one for
    pipeline.status (Tekton's word as the argument, Succeeded or Failed out), in the helper image."""
    steps = []
    for i in inputs.values():
        if i.step is None:
            continue
        is_list = syntax.is_array(i.ref)
        script = syntax.JSON_LIST_SCRIPT if is_list else syntax.STATUS_SCRIPT
        if isinstance(i.ref, ir.StatusRef) and i.ref.task is not None:
            script = syntax.TASK_STATUS_SCRIPT
        if isinstance(i.ref, ShortSha):
            script = SHORT_SHA_SCRIPT
        steps.append(helpers.helper_step(i.step, [syntax.param(i.name, whole_array=is_list)], script, security,
                                         results=(_step_result(i.ref),)))
    return steps


def _step_result(ref: ir.Ref) -> str:
    if isinstance(ref, ShortSha):
        return "short-sha"
    return syntax.JSON_RESULT if syntax.is_array(ref) else syntax.STATUS_RESULT


def _value(found: Input | None) -> str:
    if found is None:
        return ""  # reported as unsupported; the documents are not written
    if found.step is not None:
        return syntax.step_result(found.step, _step_result(found.ref))
    return syntax.param(found.name)


def _unsupported(ref: ir.Ref, task: ir.Task, diags: list[Diagnostic]) -> bool:
    if needs_step(ref) and any(ref in (e.value.refs if isinstance(e.value, ir.Template) else ())
                               for s in task.sidecars for e in s.env):
        what = "a list value" if syntax.is_array(ref) else "pipeline.status"
        what = "a checkout's short-sha" if isinstance(ref, ShortSha) else what
        diags.append(checks.unsupported(
            ref.span, f"{what} in a sidecar's env (task '{task.name}')",
            "sidecars start before the task's steps, so they cannot read the step that prepares the value",
            "read the value in the task's own env"))
        return True
    return False


def _param_name(ref: ir.Ref) -> str:
    """A readable kebab-case name (Tekton's convention, and tekton-lint's prefer-kebab-case)."""
    if isinstance(ref, ir.ParamRef):
        name = ref.name
    elif isinstance(ref, ShortSha):
        name = f"{ref.task}-short-sha"
    elif isinstance(ref, ir.ResultRef):
        name = f"{ref.task}-{ref.result}"
    elif isinstance(ref, ir.MatrixRef):
        name = ref.axis
    elif isinstance(ref, ir.RunRef):
        name = f"run-{ref.kind.value}"
    elif ref.task is not None:
        name = f"{ref.task}-status"
    else:
        name = "pipeline-status"
    kebab = re.sub(r"[^a-z0-9]+", "-", _CAMEL_HUMP.sub("-", name).lower()).strip("-")
    return kebab if kebab[:1].isalpha() else f"value-{kebab}".rstrip("-")


_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _step_name(ref: ir.Ref, param: str, n: int) -> str:
    """Lists: `<param>-json`; pipeline.status: the param's own name (`pipeline-status`)."""
    if isinstance(ref, (ir.StatusRef, ShortSha)):
        return param
    name = f"{param}-json"
    return name if kubernetes.is_dns_label(name) else f"json-{n}"

