"""What a task reads from outside: one taskSpec param per distinct reference.

Tekton substitutes `$(params.x)` in a task's steps and sidecars; the pipeline task feeds each
param from the pipeline (`$(params.p)`, `$(tasks.t.results.r)`, `$(context.pipelineRun.uid)`,
`$(tasks.status)`), and the matrix feeds its axes. A list (an array param, or the results of a
matrix task, which Tekton aggregates into an array) arrives as an array param; Tekton cannot put
an array in an env var, so a small step turns it into the JSON text the IR promises and passes it
on as a step result (`$(steps.s.results.json)`, resolved when the reading step starts).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from .. import kubernetes
from . import checks, syntax


@dataclass(frozen=True, slots=True)
class Input:
    name: str  # the taskSpec param
    ref: ir.Ref
    json_step: str | None = None  # lists: the step whose result holds the JSON text


Inputs = dict[ir.Ref, Input]
"""A task's inputs by reference, in order of first use (matrix axes first)."""


def collect(task: ir.Task, diags: list[Diagnostic]) -> Inputs:
    """One input per distinct reference in the task's env, command, args and sidecar env."""
    inputs: Inputs = {}
    names: set[str] = set()
    for axis in task.matrix.axes if task.matrix else ():
        value = ir.MatrixRef(axis.name, axis.span)
        inputs[value] = Input(kubernetes.unique(_param_name(value), names), value)  # also the matrix param's name
    steps = {task.name}
    for ref in _refs(task):
        if ref in inputs or _unsupported(ref, task, diags):
            continue
        name = kubernetes.unique(_param_name(ref), names)
        json_step = kubernetes.unique(_json_step_name(name, len(steps)), steps) if syntax.is_array(ref) else None
        inputs[ref] = Input(name, ref, json_step)
    return inputs


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
            out.append(syntax.kubelet_escape(part, value_follows=follows))
        else:
            out.append(_value(inputs.get(part)))
    return "".join(out)


def json_steps(inputs: Inputs, image: str, security: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One step per list input: its array, as args, written out as JSON text."""
    steps = []
    for i in inputs.values():
        if i.json_step is None:
            continue
        step: dict[str, Any] = {"name": i.json_step, "image": image, "args": [syntax.param(i.name, whole_array=True)]}
        if security:
            step["securityContext"] = security
        step |= {"script": syntax.JSON_LIST_SCRIPT, "results": [{"name": syntax.JSON_RESULT}]}
        steps.append(step)
    return steps


def _value(found: Input | None) -> str:
    if found is None:
        return ""  # reported as unsupported; the documents are not written
    if found.json_step is not None:
        return syntax.step_result(found.json_step, syntax.JSON_RESULT)
    return syntax.param(found.name)


def _refs(task: ir.Task) -> Iterator[ir.Ref]:
    templates = [*(e.value for e in task.env), *task.command, *task.args,
                 *(e.value for s in task.sidecars for e in s.env)]
    for template in templates:
        if isinstance(template, ir.Template):
            yield from template.refs


def _unsupported(ref: ir.Ref, task: ir.Task, diags: list[Diagnostic]) -> bool:
    if isinstance(ref, ir.RunRef) and syntax.run_context(ref.kind) is None:
        diags.append(run_field_unsupported(ref))
        return True
    if syntax.is_array(ref) and any(ref in (e.value.refs if isinstance(e.value, ir.Template) else ())
                                    for s in task.sidecars for e in s.env):
        diags.append(checks.unsupported(
            ref.span, f"a list value in a sidecar's env (task '{task.name}')",
            "sidecars start before the task's steps, so they cannot read the step that builds the JSON list",
            "read the list in the task's own env"))
        return True
    return False


def run_field_unsupported(ref: ir.RunRef) -> Diagnostic:
    return checks.unsupported(ref.span, f"run.{ref.kind.value}",
                              "a PipelineRun does not know which commit it builds",
                              "pass the commit as a param")


def _param_name(ref: ir.Ref) -> str:
    """A readable kebab-case name (Tekton's convention, and tekton-lint's prefer-kebab-case)."""
    if isinstance(ref, ir.ParamRef):
        name = ref.name
    elif isinstance(ref, ir.ResultRef):
        name = f"{ref.task}-{ref.result}"
    elif isinstance(ref, ir.MatrixRef):
        name = ref.axis
    elif isinstance(ref, ir.RunRef):
        name = f"run-{ref.kind.value}"
    else:
        name = "pipeline-status"
    kebab = re.sub(r"[^a-z0-9]+", "-", _CAMEL_HUMP.sub("-", name).lower()).strip("-")
    return kebab if kebab[:1].isalpha() else f"value-{kebab}".rstrip("-")


_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def _json_step_name(param: str, n: int) -> str:
    name = f"{param}-json"
    return name if kubernetes.is_dns_label(name) else f"json-{n}"

