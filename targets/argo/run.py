"""The run's context (`run.<field>`) on Argo.

Argo knows three of the fields itself: `run.id`, `run.name` and `run.namespace` are the Workflow's
`workflow.uid`, `workflow.name` and `workflow.namespace` (workflow/controller/operator.go
`setGlobalParameters`). Every other field (the commit, the ref, the event…) is a workflow parameter
the backend declares itself, `ir.run_param(field)` (`shipspec-run-sha`), after the spec's params in
`spec.arguments.parameters`, in `ir.RunField` order and only for the fields the pipeline reads. Its
`value` is the field's by-hand default (`ir.RUN_FIELDS`: "manual" for the event, "1" for the attempt,
else ""), so `argo submit` without it still runs, and `-p shipspec-run-sha=…` sets it. Later, Argo
Events Sensors will bind these params from the event (a Sensor's trigger `parameters` writing
`spec.arguments.parameters`), the way the spec's own params are set today.

A reference then reads the param as a spec param is read: `{{workflow.parameters.shipspec-run-sha}}`
in a DAG task's arguments, `workflow.parameters['shipspec-run-sha']` in an expression tag. A value from
an event is untrusted: it reaches a script only through an env var (the IR rewrites scripts so).
"""

from __future__ import annotations

from typing import Any

from ...compiler import ir
from . import syntax

Json = dict[str, Any]

NATIVE = {ir.RunField.ID: "uid", ir.RunField.NAME: "name", ir.RunField.NAMESPACE: "namespace"}
"""The fields Argo knows: `workflow.<variable>`."""


def declared(pipeline: ir.Pipeline) -> tuple[ir.RunField, ...]:
    """The fields the backend declares as params: those the pipeline reads that Argo does not know,
    in `ir.RunField` order (so the output does not depend on where they are read)."""
    used = {ref.kind for ref in pipeline.refs() if isinstance(ref, ir.RunRef)} | _implied(pipeline)
    return tuple(f for f in ir.RunField if f in used and f not in NATIVE)


def _implied(pipeline: ir.Pipeline) -> set[ir.RunField]:
    """Fields a checkout reads without naming them: the run's clone URL when it names no repository,
    the run's commit (its revision) and ref (its `ref` result) when it names no ref."""
    out: set[ir.RunField] = set()
    for co in (t.checkout for t in pipeline.all_tasks if t.checkout is not None):
        if co.repository is None:
            out.add(ir.RunField.CLONE_URL)
        if co.ref is None:
            out |= {ir.RunField.SHA, ir.RunField.REF}
    return out


def param(pipeline: ir.Pipeline, field: ir.RunField) -> Json:
    """The declared param of a field: its by-hand default (the repository's own where the spec
    names it, `Pipeline.run_default`) and what it means."""
    meaning = ir.RUN_FIELDS[field][0]
    return {"name": ir.run_param(field), "value": pipeline.run_default(field),
            "description": f"run.{field.value}: {meaning}"}


def simple_tag(field: ir.RunField) -> str:
    """`{{workflow.uid}}`, or `{{workflow.parameters.shipspec-run-sha}}` for a declared field."""
    if field in NATIVE:
        return syntax.run_field(NATIVE[field])
    return syntax.workflow_param(ir.run_param(field))


def expression(field: ir.RunField) -> str:
    """The same variable as an expr-lang operand: `workflow.uid`, `workflow.parameters['shipspec-run-sha']`."""
    if field in NATIVE:
        return syntax.expr_run_field(NATIVE[field])
    return syntax.expr_param(ir.run_param(field))
