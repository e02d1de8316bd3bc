"""What every backend module provides; `targets.BACKENDS` lists them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from ..compiler import ir
from ..compiler.diagnostics import Diagnostic

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class EmitOptions:
    argo_kind: str = "Workflow"  # Workflow | WorkflowTemplate | ClusterWorkflowTemplate
    tekton_run: bool = False  # also a PipelineRun, in a file of its own (companion "tekton-run")
    run_params: tuple[tuple[str, str], ...] = ()  # param values for that run: (name, value)
    tekton_triggers: str = "triggers"  # triggers (Tekton Triggers documents) | pac (Pipelines-as-Code)
    tekton_checkout: str = "catalog"  # catalog (git-clone task by resolver) | inline (a step of our own)


@dataclass(frozen=True, slots=True)
class Emitted:
    """Documents in output order; an error in `diagnostics` means the documents are not to be written."""

    documents: list[Document] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    companions: dict[str, list[Document]] = field(default_factory=dict)
    """Documents for files of their own, by name: `tekton-run` is written as `<spec>.tekton-run.yaml`
    (a run is created, `kubectl create`, where the pipeline is applied)."""


class Backend(Protocol):
    NAME: str

    def emit(self, pipeline: ir.Pipeline, options: EmitOptions) -> Emitted: ...
