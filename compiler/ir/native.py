"""Native units: what an engine itself reuses (a GitHub action, a Tekton Task or StepAction by
resolver, an Argo WorkflowTemplate's template), one entry per engine. Values are templates, so a
backend passes them through the unit's own inputs, never into shell text."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..diagnostics import UNKNOWN_SPAN, Span
from .values import Template

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
    skip_elsewhere: bool = False  # a step: engines without an entry (and no portable body) skip it
    span: Span = field(default=UNKNOWN_SPAN, compare=False)

    @property
    def inputs(self) -> tuple[Template, ...]:
        return tuple(t for unit in (self.github, self.tekton, self.argo) if unit is not None
                     for _, t in (unit.inputs if isinstance(unit, GitHubAction) else
                                  unit.params if isinstance(unit, TektonRef) else unit.arguments))
