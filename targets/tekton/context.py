"""The run's context (`run.<field>`) on Tekton: what a PipelineRun knows, and params for the rest.

A PipelineRun knows its uid, name and namespace: `$(context.pipelineRun.uid|name|namespace)`
(docs/variables.md; pkg/reconciler/pipelinerun/resources/apply.go `GetContextReplacements`).
Nothing in Tekton Pipelines knows the commit, ref, event or actor of a run, so for each other
field the pipeline reads, the Pipeline declares a string param of its own, `ir.run_param(field)`
(`shipspec-run-sha`), after the spec's params and in `ir.RunField` order, with the field's
meaning as its description and its by-hand default (`ir.RUN_FIELDS`: "manual" for event, "1" for
attempt, else ""). A reference reads it as any param: `$(params.shipspec-run-sha)`.

Started by hand (`tkn pipeline start`, or `--tekton-run` with `-p shipspec-run-sha=…`), each is
optional. Started by an event, Tekton Triggers will bind them: a TriggerBinding extracts fields of
the event's payload into params (`$(body.head_commit.id)`, tektoncd/triggers docs/triggerbindings.md)
and its TriggerTemplate passes them to the PipelineRun it creates, matched by name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

from ...compiler import ir
from ...compiler.diagnostics import Diagnostic
from . import checks, syntax


def declared(p: ir.Pipeline) -> tuple[ir.RunField, ...]:
    """The fields the Pipeline declares a param for: those it uses anywhere and Tekton does not know,
    in `ir.RunField` order. Not a concurrency group's: no Tekton document reads it (`checks.concurrency`)."""
    used = {ref.kind for ref in dataclasses.replace(p, concurrency=None).refs() if isinstance(ref, ir.RunRef)}
    return tuple(f for f in ir.RunField if f in used and f not in syntax.RUN_CONTEXT)


def param_specs(p: ir.Pipeline) -> list[dict[str, Any]]:
    """A ParamSpec per declared field: keys in the Go field order (name, type, description, default)."""
    return [{"name": ir.run_param(f), "type": "string", "description": ir.RUN_FIELDS[f][0],
             "default": p.run_default(f)} for f in declared(p)]


def collisions(p: ir.Pipeline) -> Iterator[Diagnostic]:
    """A spec param with the name of a declared run param would be a second param of that name."""
    ours = {ir.run_param(f): f for f in declared(p)}
    for param in p.params:
        if (field := ours.get(param.name)) is not None:
            yield checks.unsupported(param.span, f"param name '{param.name}'",
                                     f"the backend declares a param of that name for run.{field.value}",
                                     "rename the param")
