"""Native units: what an engine itself reuses (a GitHub action, a Tekton Task or StepAction by
resolver, an Argo WorkflowTemplate's template), one entry per engine. Values are templates, so a
backend passes them through the unit's own inputs, never into shell text."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..diagnostics import UNKNOWN_SPAN, Span
from .values import Template

if TYPE_CHECKING:
    from .pipeline import Pipeline

Inputs = tuple[tuple[str, Template], ...]


@dataclass(frozen=True, slots=True)
class GitHubAction:
    action: str  # owner/repo[/path]
    sha: str  # the full commit SHA it is pinned to
    version: str | None = None  # the tag, written as a comment
    inputs: Inputs = ()
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class TektonRef:
    resolver: str  # hub | bundles | git | cluster
    resource: tuple[tuple[str, str], ...] = ()  # the resolver's params
    params: Inputs = ()
    workspace: str | None = None  # bound to the files the task consumes
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ArgoTemplateRef:
    name: str  # the WorkflowTemplate
    template: str
    cluster_scope: bool = False
    arguments: Inputs = ()
    span: Span = field(default=UNKNOWN_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Native:
    """Compiling for an engine without an entry is an error naming the task and the engine."""

    github: GitHubAction | None = None
    tekton: TektonRef | None = None
    argo: ArgoTemplateRef | None = None
    outputs: tuple[str, ...] = ()  # read as the task's results
    output_names: tuple[tuple[str, str, str], ...] = ()  # (engine, output, the unit's own name for it)
    skip_elsewhere: bool = False  # a step: engines without an entry (and no portable body) skip it
    span: Span = field(default=UNKNOWN_SPAN, compare=False)

    @property
    def inputs(self) -> tuple[Template, ...]:
        return tuple(t for unit in (self.github, self.tekton, self.argo) if unit is not None
                     for _, t in (unit.inputs if isinstance(unit, GitHubAction) else
                                  unit.params if isinstance(unit, TektonRef) else unit.arguments))


def native_output_names(pipeline: Pipeline, engine: str) -> Pipeline:
    """The pipeline as `engine` sees it: each native task's outputs (its results) under the names that
    engine's unit gives them, and every reference to them renamed with them."""
    renames = {(t.name, output): name for t in pipeline.all_tasks if t.native is not None
               for e, output, name in t.native.output_names if e == engine}
    return _rename(pipeline, renames) if renames else pipeline


def _rename(node: Any, renames: dict[tuple[str, str], str], task: str | None = None) -> Any:
    """A copy of `node` (frozen dataclasses, tuples) with the renamed results and result references."""
    from .tasks import Result, Task
    from .values import ResultRef

    if isinstance(node, ResultRef):
        new = renames.get((node.task, node.result))
        return dataclasses.replace(node, result=new) if new else node
    if isinstance(node, Result) and task is not None:
        new = renames.get((task, node.name))
        return dataclasses.replace(node, name=new) if new else node
    if isinstance(node, tuple):
        return tuple(_rename(item, renames, task) for item in node)
    if dataclasses.is_dataclass(node) and not isinstance(node, type):
        inner = node.name if isinstance(node, Task) else task
        changes = {f.name: _rename(getattr(node, f.name), renames, inner) for f in dataclasses.fields(node)
                   if f.name != "span"}
        changed = {k: v for k, v in changes.items() if v is not getattr(node, k)}
        return dataclasses.replace(node, **changed) if changed else node
    return node
